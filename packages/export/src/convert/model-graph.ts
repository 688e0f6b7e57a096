import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import { unsupported } from './layer.ts';

const NESTED = new Set(['Sequential', 'Model', 'Functional', 'LayersModel']);

/** One layer of the model, applied once: the tensors it reads (in order) and the one it makes. */
export interface LayerStep {
  readonly layer: tfl.layers.Layer;
  readonly inputs: readonly tfl.SymbolicTensor[];
  readonly output: tfl.SymbolicTensor;
}

interface InboundNode {
  readonly inputTensors: tfl.SymbolicTensor[];
  readonly outputTensors: tfl.SymbolicTensor[];
}

/** inboundNodes is not in tfjs' public typings; it is how Keras/tfjs record each application of a layer. */
function inboundNodes(layer: tfl.layers.Layer): readonly InboundNode[] {
  return (layer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
}

function isInput(layer: tfl.layers.Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

/** The layers of the model that read `tensor` (one of its inputs, say). */
export function consumersOf(model: tfl.LayersModel, tensor: tfl.SymbolicTensor): tfl.layers.Layer[] {
  return model.layers.filter(
    (l) => !isInput(l) && inboundNodes(l).some((n) => n.inputTensors.some((t) => t.id === tensor.id)),
  );
}

function step(layer: tfl.layers.Layer): LayerStep {
  const named = { name: layer.name, className: layer.getClassName() };
  if (NESTED.has(named.className)) throw unsupported(named, 'a nested model (flatten it into one model)');
  const nodes = inboundNodes(layer);
  const node = nodes[0];
  if (nodes.length !== 1 || !node) {
    throw unsupported(named, 'a shared layer (applied more than once; each layer must be applied once)');
  }
  const output = node.outputTensors[0];
  if (node.outputTensors.length !== 1 || !output) throw unsupported(named, 'more than one output');
  return { layer, inputs: node.inputTensors, output };
}

/**
 * The model's layers (its tfjs functional graph: inbound nodes, several inputs, merge layers), each applied
 * once, in an order where every layer comes after the layers it reads from: tfjs' own order where it is
 * one (a chain in its order), and the model's one output made by the last.
 */
export function layerSteps(model: tfl.LayersModel): LayerStep[] {
  const output = model.outputs[0];
  if (model.outputs.length !== 1 || !output) {
    throw new GanforgeError(
      'export_unsupported',
      `model '${model.name}' has ${model.outputs.length} outputs; only one can be exported`,
      {
        hint: "an auxiliary-classifier discriminator (ACGAN) has a second output, its class logits, and is not exported; export the run's generator, or train with the projection discriminator",
      },
    );
  }
  const pending = model.layers.filter((l) => !isInput(l)).map(step);
  const known = new Set(model.inputs.map((t) => t.id));
  const ordered: LayerStep[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((s) => s.inputs.every((t) => known.has(t.id)));
    const next = pending[i];
    if (!next) {
      const stuck = pending[0]!.layer;
      throw unsupported(
        { name: stuck.name, className: stuck.getClassName() },
        "an input that is not computed from the model's own inputs",
      );
    }
    pending.splice(i, 1);
    ordered.push(next);
    known.add(next.output.id);
  }
  const last = ordered[ordered.length - 1];
  if (last && last.output.id !== output.id) {
    throw new GanforgeError(
      'export_unsupported',
      `model '${model.name}' does not end at its last layer '${last.layer.name}'`,
    );
  }
  return ordered;
}
