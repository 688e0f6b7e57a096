/** onnxruntime's error message in one line, without its source location. */
export function ortReason(message: string): string;
