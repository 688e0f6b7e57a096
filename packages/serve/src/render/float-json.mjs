// The JSON text of float32 arrays, shared by the HTTP thread (small bodies) and the encoder threads.
// Plain JavaScript: imported by a worker thread, which runs without a TypeScript loader.

/**
 * Exactly what JSON.stringify writes for these numbers: `rows` rows of equal length (`[[...],[...]]`),
 * or one flat array when rows is undefined.
 */
export function floatArrayJson(data, rows) {
  if (rows === undefined) return JSON.stringify(Array.from(data));
  if (rows === 0) return '[]';
  const per = data.length / rows;
  const parts = new Array(rows);
  for (let i = 0; i < rows; i++) parts[i] = JSON.stringify(Array.from(data.subarray(i * per, (i + 1) * per)));
  return `[${parts.join(',')}]`;
}
