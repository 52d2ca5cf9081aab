/**
 * Seeded synthetic degradations (AWGN, camera noise, correlated noise, JPEG, rain, blur), composable with
 * {@code then}; each draws its parameters and noise from the generator it is given, so a seed fixes the result.
 */
package dev.dna.api.degrade;
