/**
 * The plan DSL and its entry points: {@link dev.dna.api.Adaptation} (a staged builder of immutable
 * {@link dev.dna.api.AdaptationPlan}s), {@link dev.dna.api.Recipes} (dna's calibrated plans at CPU scale),
 * {@link dev.dna.api.Restorers} and {@link dev.dna.api.Diffusion} (the networks), {@link dev.dna.api.Ablation} (the
 * paper's variants) and {@link dev.dna.api.ImageRestorer} (what every engine's trained restorer is). Pure Java: no
 * ND4J type crosses this module's API.
 */
package dev.dna.api;
