/**
 * The {@code dna} command: one class per subcommand (adapt, restore, export, inspect, benchmark-awgn);
 * errors are one line and an exit code.
 */
package dev.dna.cli;
