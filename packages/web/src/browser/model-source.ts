import { GanforgeError, isValidModelName, parseModelCard, type ModelCard } from '@ganforge/core';

/** Where a model's two files live: a model directory URL holding card.json and model.onnx. */
export interface ModelLocation {
  /** What the user wrote in `model`, for messages. */
  readonly label: string;
  readonly card: string;
  readonly onnx: string;
}

/**
 * `model` is either a name served by a ganforge server (`mnist-dcgan` ->
 * `<server>/v1/models/mnist-dcgan/{card.json,model.onnx}`) or the URL of a model directory
 * (`/models/mine/`, `https://host/models/mine`), resolved against the page.
 */
export function locateModel(model: string, server: URL, page: string): ModelLocation {
  const dir = isValidModelName(model)
    ? new URL(`v1/models/${encodeURIComponent(model)}/`, server)
    : new URL(model.endsWith('/') ? model : `${model}/`, page);
  return { label: model, card: new URL('card.json', dir).href, onnx: new URL('model.onnx', dir).href };
}

/** The facts sampling needs from a card. */
export interface GeneratorFacts {
  readonly card: ModelCard;
  readonly latentDim: number;
  readonly distribution: ModelCard['latent']['distribution'];
  readonly inputName: string;
  readonly outputName: string;
  /** A class-conditional model's class input and class names; undefined for an unconditional one. */
  readonly conditioning: ModelCard['conditioning'];
}

async function fetchOk(url: string, what: string, label: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { mode: 'cors', credentials: 'omit' });
  } catch (e) {
    throw new GanforgeError(
      'model_unreachable',
      `could not fetch the ${what} of model "${label}" from ${url}`,
      {
        hint: `is the server running and does it allow this origin? (${e instanceof Error ? e.message : String(e)})`,
        status: 0,
      },
    );
  }
  if (res.status === 404) {
    throw new GanforgeError('model_not_found', `model "${label}" not found (no ${what} at ${url})`, {
      hint: 'check the name against the server’s /v1/models list',
      status: 404,
    });
  }
  if (!res.ok) {
    throw new GanforgeError(
      'model_load_failed',
      `the ${what} of model "${label}" failed to load: HTTP ${res.status}`,
      {
        hint: 'see the server log',
        status: res.status,
      },
    );
  }
  return res;
}

export async function fetchCard(loc: ModelLocation): Promise<GeneratorFacts> {
  const res = await fetchOk(loc.card, 'card.json', loc.label);
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new GanforgeError('bad_card', `the card.json of model "${loc.label}" is not JSON`, {
      hint: 're-export the model with `ganforge export`',
    });
  }
  const card = parseModelCard(json);
  return {
    card,
    latentDim: card.latent.size,
    distribution: card.latent.distribution,
    inputName: card.onnx.inputName,
    outputName: card.onnx.outputName,
    conditioning: card.conditioning,
  };
}

export async function fetchModelBytes(loc: ModelLocation): Promise<Uint8Array> {
  const res = await fetchOk(loc.onnx, 'model.onnx', loc.label);
  return new Uint8Array(await res.arrayBuffer());
}
