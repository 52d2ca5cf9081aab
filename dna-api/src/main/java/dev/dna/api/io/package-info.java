/**
 * Writing files atomically (a temporary sibling, then a move) and finding the shared data folders above the
 * working directory.
 */
package dev.dna.api.io;
