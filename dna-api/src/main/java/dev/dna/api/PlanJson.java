package dev.dna.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dna.api.spec.DiffusionSpec;
import dev.dna.api.spec.LossSpec;
import dev.dna.api.spec.OptimizerSpec;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.SpikeGuardSpec;
import dev.dna.api.spec.ValueRange;

/** The JSON form of a plan: one record mirroring the plan's fields, plus a format tag. */
final class PlanJson {
    /** dna-plan/2: the defaults follow the authors' code (issue 16); dna-plan/1 plans are refused, not migrated. */
    static final String FORMAT = "dna-plan/2";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS))
            .build();

    @JsonPropertyOrder({"format", "restorer", "diffusion", "channelShuffle", "residualSwap", "detachConditions", "loss",
        "optimizer", "emaDecay", "spikeGuard", "steps", "batchSize", "patchSize", "augment", "valueRange", "seed"})
    record Doc(String format, RestorerSpec restorer, DiffusionSpec diffusion, boolean channelShuffle,
            boolean residualSwap, boolean detachConditions, LossSpec loss, OptimizerSpec optimizer, double emaDecay,
            SpikeGuardSpec spikeGuard, int steps, int batchSize, int patchSize, boolean augment, ValueRange valueRange, long seed) {}

    private PlanJson() {}

    static String write(AdaptationPlan p) {
        Doc doc = new Doc(FORMAT, p.restorer(), p.diffusion().orElse(null), p.channelShuffle(), p.residualSwap(),
                p.detachConditions(), p.loss(), p.optimizer(), p.emaDecay(), p.spikeGuard(), p.steps(), p.batchSize(), p.patchSize(),
                p.augment(), p.valueRange(), p.seed());
        try {
            return MAPPER.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write plan as JSON", e);
        }
    }

    static PlanDraft read(String json) {
        Doc doc;
        try {
            com.fasterxml.jackson.databind.JsonNode tree = MAPPER.readTree(json);
            if (tree != null && "dna-plan/1".equals(tree.path("format").asText())) {
                throw new IllegalArgumentException("plan JSON is format dna-plan/1, written before dna followed the authors' code "
                        + "(restorer, noise predictor, L_noise without swap and the lambda ramp changed): its runs cannot be "
                        + "continued or reloaded by this version; build the plan again");
            }
            addLaterFields(tree);
            checkTopLevelFields(tree);
            doc = MAPPER.treeToValue(tree, Doc.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("plan JSON has an unknown field '" + e.getPropertyName() + "' at "
                    + e.getPathReference() + "; known fields: " + e.getKnownPropertyIds(), e);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException("plan JSON is invalid at " + location(e) + ": "
                    + (cause == e ? e.getOriginalMessage() : cause.getMessage()), e);
        }
        if (doc == null) {
            throw new IllegalArgumentException("plan JSON is empty");
        }
        if (!FORMAT.equals(doc.format())) {
            throw new IllegalArgumentException("plan JSON field 'format' must be \"" + FORMAT + "\", got " + doc.format());
        }
        PlanDraft d = new PlanDraft();
        d.restorer = doc.restorer();
        d.diffusion = doc.diffusion();
        d.channelShuffle = doc.channelShuffle();
        d.residualSwap = doc.residualSwap();
        d.detachConditions = doc.detachConditions();
        d.loss = doc.loss();
        d.optimizer = doc.optimizer();
        d.emaDecay = doc.emaDecay();
        d.spikeGuard = doc.spikeGuard();
        d.steps = doc.steps();
        d.batchSize = doc.batchSize();
        d.patchSize = doc.patchSize();
        d.augment = doc.augment();
        d.valueRange = doc.valueRange();
        d.seed = doc.seed();
        return d;
    }

    /**
     * The fields added to dna-plan/2 after its first plans were written, filled in where a plan lacks them with the
     * values that mean what such a plan meant: the optimizer's learning-rate schedule and clipping (issue 38: a constant
     * rate, no warm-up, no clipping) and the spike guard (issue 44: off). So older plans, and the checkpoints and restorers
     * that carry them, still read, and train as they did.
     */
    private static void addLaterFields(com.fasterxml.jackson.databind.JsonNode tree) {
        if (!(tree instanceof com.fasterxml.jackson.databind.node.ObjectNode root)) {
            return;
        }
        if (!root.has("spikeGuard") && root.has("format")) {
            root.set("spikeGuard", MAPPER.valueToTree(SpikeGuardSpec.off()));
        }
        if (root.get("optimizer") instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            if (!o.has("schedule")) {
                o.put("schedule", OptimizerSpec.LearningRateSchedule.CONSTANT.name());
            }
            if (!o.has("warmupSteps")) {
                o.put("warmupSteps", 0);
            }
            if (!o.has("minLearningRate")) {
                o.put("minLearningRate", 0.0);
            }
            if (!o.has("clipGradNorm")) {
                o.put("clipGradNorm", 0.0);
            }
        }
    }

    /** Names every unknown and every missing top-level field at once (typos usually come as a pair). */
    private static void checkTopLevelFields(com.fasterxml.jackson.databind.JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("plan JSON must be an object, got " + (tree == null ? "nothing" : tree.getNodeType()));
        }
        java.util.Set<String> known = new java.util.LinkedHashSet<>();
        for (var c : Doc.class.getRecordComponents()) {
            known.add(c.getName());
        }
        java.util.List<String> unknown = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                unknown.add(f);
            }
        });
        java.util.List<String> missing = known.stream().filter(f -> !tree.has(f)).toList();
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            throw new IllegalArgumentException("plan JSON fields do not match: "
                    + (unknown.isEmpty() ? "" : "unknown " + unknown + (missing.isEmpty() ? "" : ", "))
                    + (missing.isEmpty() ? "" : "missing " + missing) + "; known fields: " + known);
        }
    }

    private static String location(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (var ref : m.getPath()) {
                sb.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
            }
            return sb.substring(sb.charAt(0) == '.' ? 1 : 0);
        }
        return e.getLocation() == null ? "?" : "line " + e.getLocation().getLineNr();
    }
}
