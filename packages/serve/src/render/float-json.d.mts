/** The JSON text of a float32 array: `rows` equal rows, or one flat array without rows. */
export declare function floatArrayJson(data: Float32Array, rows?: number): string;
