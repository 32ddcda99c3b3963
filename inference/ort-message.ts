// onnxruntime's error text, made fit for an API answer: its messages carry the build's source
// locations (/onnxruntime_src/…/reshape_helper.h:84), C++ signatures, the enforce condition that
// failed and internal status codes around the part that describes the model or the input
// ("Node (Gather_3) Op (Gather) [ShapeInferenceError] …", "indices element out of data bounds, idx=42 …").
// Every place that catches a runtime error passes it through cleanOrtMessage.

// A source location as onnxruntime's CodeLocation prints it: a path or bare file name and a line.
const LOCATION = String.raw`(?:[A-Za-z]:)?(?:[\\/]?[\w.+-]+[\\/])*[\w.+-]+\.(?:cc|cpp|cxx|c|h|hpp|hxx|cu|cuh|inc|mm)(?::\d+)+`;
// The function after it: a full signature (always namespace-qualified, with its parameter list;
// nested parentheses one level deep) or, in the short form, a bare name.
const SIGNATURE = String.raw`(?:(?:virtual|static|inline)\s+)*(?:[\w:<>*&]+\s+)?\w+(?:::[\w~<>]+)+\((?:[^()]|\([^()]*\))*\)(?:\s*const)?`;
const FUNCTION = String.raw`(?:${SIGNATURE}|[A-Za-z_]\w*)`;
// ORT_ENFORCE's "<condition> was false." (C++ code, not a description).
const CONDITION = String.raw`(?:(?:(?!\. )[^\n])*? was false\.)?`;
const INTERNALS = new RegExp(String.raw`${LOCATION}(?:\s+${FUNCTION})?\s*${CONDITION}\s*`, 'g');

/**
 * The useful part of an onnxruntime error: its own words about the model or input, without source
 * paths, C++ function names, enforce conditions, status codes, stack traces or colour codes.
 */
export function cleanOrtMessage(err: unknown, max = 500): string {
  let text = String((err as Error | undefined)?.message ?? err);
  text = text
    .replace(/\x1b\[[0-9;]*m/g, '') // ANSI colours, when the text comes from a log line
    .replace(/\s*Stacktrace:[\s\S]*$/, '')
    .replace(/^Load model from \S+ failed:\s*/, '')
    .replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/g, '')
    .replace(INTERNALS, '')
    .replace(
      /Non-zero status code returned while running (\S+) node\. Name:'([^']*)' Status Message:\s*/g,
      (_, op: string, name: string) => `node "${name}" (${op}): `,
    )
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/:$/, '');
  if (text === '' || /^node "[^"]*" \(\S+\)$/.test(text)) text += `${text ? ': ' : ''}an internal check in onnxruntime failed`;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
