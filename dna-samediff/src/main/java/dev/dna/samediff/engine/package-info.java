/**
 * Workarounds for ND4J 1.0.0-M2.1 (../shared/SAMEDIFF-NOTES.md, CONTRIBUTING.md): replaying a step's recorded ops
 * without SameDiff's session, returning the session's arrays to the allocator, a callback per executed op, finding the
 * op where a NaN starts, and silencing the engine's logging. Internal: no compatibility promise; each class says which
 * bug or cost it works around.
 */
package dev.dna.samediff.engine;
