/**
 * ONNX: exporting a trained restorer (verified in ONNX Runtime before the file is written), importing a
 * restorer trained elsewhere as a trainable graph, and restoring with ONNX Runtime ({@link dev.dna.ort.OnnxRestorer}, in dna-ort).
 */
package dev.dna.onnx;
