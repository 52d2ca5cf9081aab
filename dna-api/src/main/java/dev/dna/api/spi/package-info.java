/**
 * Service interfaces through which dna-api reaches an engine module it does not depend on (reading ONNX
 * models, keeping their bytes).
 */
package dev.dna.api.spi;
