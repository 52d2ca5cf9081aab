/**
 * Building graphs: the networks' layers ({@link dev.dna.samediff.graph.Layers}), the restorers
 * ({@link dev.dna.samediff.graph.RestorerNets}, and {@link dev.dna.samediff.graph.RestorerFactory} for user-defined
 * ones), the noise predictor ({@link dev.dna.samediff.graph.EpsNet}) and the whole training step as one SameDiff graph
 * ({@link dev.dna.samediff.graph.JointGraph}). Layers, RestorerNets and RestorerFactory are the API for custom
 * restorers; the rest is public for the trainer's packages and has no compatibility promise.
 */
package dev.dna.samediff.graph;
