import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Rules = ReturnType<Storage['getTargetValidationMetadatas']>;
type Grouped = ReturnType<Storage['groupByPropertyName']>;

const INSTALLED = Symbol('validationMetadataCache');

/**
 * class-validator looks up a class's rules anew on every `validate()`: it tests every registered
 * class to find the validated class's ancestors and filters their rules, then groups them by
 * property (typestack/class-validator#2686, open; Twenty memoises it the same way, twentyhq/twenty#24085).
 * Under `POST /notify/v1/deliveries` that lookup was class-validator's largest item (2.1% of
 * notify-svc's busy time, more than the validation itself; docs/benchmarks.md, issue 20).
 *
 * A class's rules are complete once the class is defined (decorators run at definition, before any
 * instance can be validated), and a class defined later adds rules to itself, never to an existing
 * class: the answer for one (class, schema, options) never changes, so it is kept, per class in a
 * WeakMap. The storage's two methods are wrapped once per process; class-validator is pinned
 * (package.json), and `validation-metadata-cache.spec.ts` checks the answers equal the library's own.
 */
export function cacheValidationMetadata(): void {
  const storage = getMetadataStorage() as Storage & { [INSTALLED]?: true };
  if (storage[INSTALLED]) return;
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const byClass = new WeakMap<object, Map<string, Rules>>();
  const grouped = new WeakMap<Rules, Grouped>();

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    let forClass = byClass.get(target);
    if (!forClass) byClass.set(target, (forClass = new Map()));
    const key = `${schema}|${always}|${strictGroups}|${groups === undefined ? '-' : JSON.stringify(groups)}`;
    let rules = forClass.get(key);
    if (!rules) forClass.set(key, (rules = lookUp(target, schema, always, strictGroups, groups)));
    return rules;
  };
  // Callers only read the grouping (ValidationExecutor), so the one of a kept answer is kept too.
  storage.groupByPropertyName = (rules) => {
    let g = grouped.get(rules);
    if (!g) grouped.set(rules, (g = group(rules)));
    return g;
  };
  storage[INSTALLED] = true;
}
