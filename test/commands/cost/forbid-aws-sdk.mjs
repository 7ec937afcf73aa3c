// Module hook for the start-up test: any import of an @aws-sdk package fails the process, proving
// that `cost estimate` without --live never loads the SDK.
export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith('@aws-sdk/')) throw new Error(`@aws-sdk loaded without --live: ${specifier}`)
  return nextResolve(specifier, context)
}
