package tandem.engine.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Which query heads each device computes under tensor split, and so which KV heads it must hold.
 *
 * <p>A device takes consecutive query heads: whole KV-head groups, or part of one group. The
 * attention kernels map a device's query head h to its KV head h / (heads / kvHeads), which is
 * right for exactly those two shapes. When a group is shared, every device computing some of its
 * query heads holds its own copy of the group's KV head (K/V weights, biases and KV cache), as vLLM
 * does when there are fewer KV heads than GPUs; so a model with one KV head splits over as many
 * devices as it has query heads. Each device gets at least one query head, cut as near the asked
 * ratio as these rules and attn_output's quant blocks allow; the FFN and vocabulary keep the
 * asked ratio whatever attention got.
 *
 * @param queryHeads per device, its query heads
 * @param kvHeads    per device, the KV heads its query heads read (overlapping where replicated)
 */
record AttentionSplit(List<SliceRange> queryHeads, List<SliceRange> kvHeads) {
    AttentionSplit {
        queryHeads = List.copyOf(queryHeads);
        kvHeads = List.copyOf(kvHeads);
    }

    /**
     * @param attnBlock the smallest cut of attn_output's rows (its quant block, at least {@link
     *                  SplitPlanner#KERNEL_ROW_MULTIPLE}): query heads are cut where it allows
     * @param notes     gets what was chosen where the ratio is not honoured or KV heads are copied
     */
    static AttentionSplit cut(ModelShape model, Ratios ratios, int attnBlock, List<String> notes) {
        int heads = model.heads(), group = model.queryHeadsPerGroup();
        int headUnit = attnBlock / SplitPlanner.gcd(attnBlock, model.headDim());
        List<SliceRange> query = ratios.cutNearest(heads, b -> b % headUnit == 0,
                (start, end) -> start % group == 0 && end % group == 0 || start / group == (end - 1) / group)
                // no cut gives every device a head: whole aligned groups as asked, some devices
                // without attention, which loading refuses with its reason
                .orElseGet(() -> ratios.cut(heads, group / SplitPlanner.gcd(group, headUnit) * headUnit));
        AttentionSplit split = new AttentionSplit(query, query.stream()
                .map(q -> new SliceRange(q.start() / group, (q.end() + group - 1) / group)).toList());
        split.noteIfNotHonoured(model, ratios, attnBlock, headUnit, notes);
        List<Integer> without = IntStream.range(0, query.size()).filter(d -> query.get(d).isEmpty()).boxed().toList();
        if (!without.isEmpty()) {
            notes.add((without.size() == 1 ? "device " + without.getFirst() + " gets" : devices(without) + " get")
                    + " no query head: no cut gives every device one, so this plan cannot load; "
                    + "use fewer devices, another --split or --split-mode layer");
        }
        split.noteCopies(model, notes);
        return split;
    }

    private void noteIfNotHonoured(ModelShape model, Ratios ratios, int attnBlock, int headUnit, List<String> notes) {
        if (ratios.honouredBy(queryHeads)) return;
        List<String> why = new ArrayList<>();
        if (model.queryHeadsPerGroup() > 1 && model.kvHeads() > 1) {
            why.add("a device computes whole KV-head groups of " + model.queryHeadsPerGroup() + " query heads or part of one");
        }
        if (headUnit > 1) {
            why.add("attn_output rows are cut in whole " + attnBlock + "-element blocks = " + headUnit + " query heads");
        }
        notes.add("attention: asked " + ratios + ", got " + sizes(queryHeads) + " query heads (" + sizes(kvHeads)
                + " KV heads" + (why.isEmpty() ? "" : "; " + String.join("; ", why)) + ")");
    }

    /** Says which devices keep copies of which KV head, in plain words. */
    private void noteCopies(ModelShape model, List<String> notes) {
        List<String> copies = new ArrayList<>();
        for (int kv = 0; kv < model.kvHeads(); kv++) {
            int head = kv;
            List<Integer> holders = IntStream.range(0, kvHeads.size()).filter(d -> kvHeads.get(d).contains(head))
                    .boxed().toList();
            if (holders.size() < 2) continue;
            copies.add(devices(holders) + " each keep a copy of "
                    + (model.kvHeads() == 1 ? "it" : "KV head " + kv));
        }
        if (copies.isEmpty()) return;
        notes.add("this model has " + (model.kvHeads() == 1 ? "1 KV head: "
                : model.kvHeads() + " KV heads for " + kvHeads.size() + " devices: ") + String.join(", ", copies)
                + " (K/V weights and KV cache); query heads " + sizes(queryHeads) + " of " + model.heads());
    }

    /** "devices 0 and 1", "devices 0, 1 and 2". */
    private static String devices(List<Integer> indices) {
        return "devices " + indices.subList(0, indices.size() - 1).stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + " and " + indices.getLast();
    }

    private static String sizes(List<SliceRange> ranges) {
        return ranges.stream().map(r -> Integer.toString(r.size())).collect(Collectors.joining(":"));
    }
}
