export const authEntities: Function[] = [];
