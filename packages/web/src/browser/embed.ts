/**
 * The one-script-tag entry: `<script type="module" src="http://host:8080/embed/gan-sampler.js">`
 * defines `<gan-sampler>`. Built to dist/embed/gan-sampler.js by build.mjs.
 */
import { GanSamplerElement } from './gan-sampler.ts';

export { GanSamplerElement };
export type { ClassLabel, SampleDetail, SampleOptions, SamplerErrorDetail } from './gan-sampler.ts';

if (!customElements.get('gan-sampler')) customElements.define('gan-sampler', GanSamplerElement);
