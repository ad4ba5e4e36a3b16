/**
 * The allow-list as a tree of field names. `ALLOWED` marks a field whose whole subtree passes (to the
 * detectors); a node with only `children` lets through just those descendants; `undefined` is a field not
 * listed, masked whole.
 */
export const ALLOWED = Symbol('allowed');

export interface AllowNode {
  children: Map<string, AllowTree>;
}

export type AllowTree = AllowNode | typeof ALLOWED | undefined;

/** `['attributes.http.status', 'service']` → tree. Arrays are transparent: a path names every element. */
export function buildAllowTree(paths: readonly string[]): AllowNode {
  const root: AllowNode = { children: new Map() };
  for (const path of paths) {
    const parts = path.split('.');
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      const key = parts[i]!;
      const existing = node.children.get(key);
      if (existing === ALLOWED) break;
      if (i === parts.length - 1) {
        node.children.set(key, ALLOWED);
        break;
      }
      const next = existing ?? { children: new Map() };
      node.children.set(key, next);
      node = next;
    }
  }
  return root;
}

/** The subtree for `key` under `tree`. */
export function allowChild(tree: AllowTree, key: string): AllowTree {
  if (tree === ALLOWED || tree === undefined) return tree;
  return tree.children.get(key);
}
