/** Shadow-DOM styles of <gan-sampler> (adopted as a constructed sheet, so a strict CSP allows them). */
export const SAMPLER_CSS = `
:host { display: inline-block; font: 13px/1.4 system-ui, sans-serif; color: #222; }
:host([hidden]), [hidden] { display: none !important; }
canvas { display: block; image-rendering: pixelated; background: #000; }
.status { margin-top: 4px; color: #555; font-variant-numeric: tabular-nums; }
.note { color: #8a5a00; }
.error { max-width: 40em; padding: 8px 10px; border: 1px solid #c62828; border-radius: 4px; background: #fdecea; color: #8e1b1b; }
.hint { margin-top: 4px; color: #5d1212; }
`;
