/**
 * Restoring images with an exported dna model (or any ONNX restorer) on ONNX Runtime: {@link dev.dna.ort.OnnxRestorer},
 * with the same padding and tiling as training's engine. Needs only dna-api and ONNX Runtime, no ND4J: what Spark
 * executors and services that only restore depend on.
 */
package dev.dna.ort;
