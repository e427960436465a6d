/**
 * Compile-time proof that a response schema describes exactly a TypeScript type: `assertSameType`
 * accepts only `true`, so `assertSameType<SameType<z.output<typeof schema>, T>>()` fails tsc when
 * a field is missing, extra, optional on one side only or typed differently. Readonly modifiers
 * are ignored (zod outputs mutable types).
 */
type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

type Identical<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

export type SameType<A, B> = Identical<DeepReadonly<A>, DeepReadonly<B>>;

export function assertSameType<_Proof extends true>(): void {}
