/**
 * Batch restoration of an image archive on Apache Spark with an exported ONNX model: one ONNX Runtime
 * session per executor, atomic outputs, a manifest with one row per image.
 */
package dev.dna.spark;
