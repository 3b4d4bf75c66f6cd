export const notifyEntities: Function[] = [];
