/**
 * The reference semantics of the method's two tricks, channel shuffling and residual swapping, on plain
 * arrays: what the engines' graph ops must compute (checked against them in the engine's tests).
 */
package dev.dna.api.adapt;
