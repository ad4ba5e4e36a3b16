/**
 * Sets `key` as an own, enumerable property even when it is `__proto__`. `JSON.parse` creates `__proto__` as an
 * ordinary key; plain assignment (or `Object.assign`) would instead replace the target's prototype, losing the
 * value and letting client input reach the object's inheritance chain.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
