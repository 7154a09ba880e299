#!/usr/bin/env bash
# The GPU check CI cannot run: correctness of the kernels lavapipe lacks (matrix units, the
# int8 decode, the matrix-unit attention and expert kernels) and the speed figures of issue #12,
# on one NVIDIA GPU of the device machines (../shared/device/README.md).
#
#   bash .ci/gpu.sh pack        here: build, then put the runtime jars and a tokenizer in .gpu/ (ignored);
#                               BEFORE=COMMIT also packs that commit's engine classes into .gpu/before.tgz (host, host-more)
#   bash .ci/gpu.sh run [PART]  on the device, from the checkout's root; PART: first, check, bench, attention, depth, greedy, profile,
#                               parallel, moe, exhaust, sweep, dense, decode, moe-decode, host, host-more or all (default). Results go to $OUT as they come, so a
#                               call cut short still brings back what it measured. exhaust (not in all):
#                               a second process takes the device's memory while Tandem generates (issue #18).
#
# The device tool's call: command "bash .ci/gpu.sh run", carry [".device", ".gpu", "engine/target/classes"].
# Every figure names the card (card.txt); rerun a baseline in the same call before comparing builds.
set -uo pipefail
cd "$(dirname "$0")/.."

pack() {
    set -e
    ./tandem devices > /dev/null # builds first when the build is missing or stale (it finds Java 25)
    [ -d .device ] || bash ../shared/device/pack.sh
    rm -rf .gpu && mkdir -p .gpu/lib
    # shaderc compiles the shaders at build time only; the device needs the rest
    find engine/target/lib -name '*.jar' ! -name 'lwjgl-shaderc*' -exec cp {} .gpu/lib/ \;
    gzip -c ../shared/data/vocab/ggml-vocab-llama-bpe.gguf > .gpu/vocab.gguf.gz
    # llama.cpp's tiny mixtures (under 1 MB each): the expert kernels' greedy check in moe()
    cp ../shared/data/models/arch/qwen3moe-q4_k.gguf ../shared/data/models/arch/gpt-oss-mxfp4_moe.gguf .gpu/
    # the memory hog of exhaust(), compiled here: the device's Java runtime has no compiler for the source launcher
    local jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
    [ -x "$jdk/bin/javac" ] || jdk=/usr/lib/jvm/temurin-25-jdk-amd64
    "$jdk/bin/javac" -d .gpu/hog -cp 'engine/target/lib/*:engine/target/classes' .ci/HogDeviceMemory.java
    grep -qx '.gpu/' .git/info/exclude 2>/dev/null || echo '.gpu/' >> .git/info/exclude
    [ -n "${BEFORE:-}" ] && before_classes "$BEFORE"
    du -sh .device .gpu engine/target/classes
}

# before_classes COMMIT: that commit's engine classes (shaders included) packed in .gpu/before.tgz, for A/B runs in one call
before_classes() {
    local tree=/tmp/tandem-before
    rm -rf "$tree" && git worktree prune
    git worktree add -q --detach "$tree" "$1"
    (cd "$tree" && ./mvnw -B -o -q -pl engine -DskipTests process-classes) || { git worktree remove --force "$tree"; return 1; }
    git -C "$tree" rev-parse --short HEAD > "$tree/engine/target/classes/COMMIT"
    # compressed: the call's carry holds 64 MiB in all (3.4 MB packed against 9.5 unpacked)
    rm -rf .gpu/before .gpu/before.tgz && tar czf .gpu/before.tgz -C "$tree/engine/target" classes
    git worktree remove --force "$tree"
}

# unpack_before: .gpu/before.tgz into $SHM/before; echoes that folder, or fails without the archive
unpack_before() {
    [ -f .gpu/before.tgz ] || { echo "no .gpu/before.tgz (pack with BEFORE=COMMIT)" | tee -a "$OUT/steps.txt" >&2; return 1; }
    rm -rf "$SHM/before" && mkdir -p "$SHM/before" && tar xzf .gpu/before.tgz -C "$SHM/before" && echo "$SHM/before/classes"
}

OUT=${OUT:-gpu-out}
SHM=/dev/shm/tandem

tandem() {
    # shellcheck disable=SC2086
    "$JAVA" --enable-native-access=ALL-UNNAMED -Dorg.lwjgl.system.memoryBackend=ffm --add-modules=jdk.incubator.vector -Xmx32g ${JOPTS:-} -cp ".gpu/lib/*:${CLASSES:-engine/target/classes}" tandem.engine.cli.TandemCli "$@"
}

# step NAME LIMIT_S ARGS...: one tandem command, its output and exit status in $OUT/NAME.txt
step() {
    local name=$1 limit=$2
    shift 2
    echo "== $name (${JOPTS:-default}): tandem $*" | tee -a "$OUT/steps.txt" >&2
    { echo "JOPTS=${JOPTS:-}"; echo "tandem $*"; timeout "$limit" bash -c "$(declare -f tandem); tandem \"\$@\"" _ "$@"; echo "rc=$?"; } \
        > "$OUT/$name.txt" 2>&1
}

synth() { # synth PRESET TYPE [ARCH]
    local file="$SHM/$1-$2.gguf"
    [ -f "$file" ] || step "synth-$1-$2" 120 synth --arch "${3:-llama}" --preset "$1" --type "$2" --out "$file" --vocab "$SHM/vocab.gguf"
    echo "$file"
}

check() {
    # decode shapes (under 8 tokens) add the decode and decode-int8 rows; the default shapes are prompts
    step kernel-check-decode 180 kernel-check --devices 0 --repeats 5 --shapes 4096x4096x1,14336x4096x1,4096x14336x1,4096x4096x4
    step kernel-check 240 kernel-check --devices 0 --repeats 3 --attention
}

# bench_type TYPE: the 8B of that type with the default kernels, then with the float decode
bench_type() {
    local m
    m=$(synth 8b "$1")
    step "bench-8b-$1" 150 bench --model "$m" --backend vulkan -p 512,2048 -n 128 -r 2
    JOPTS=-Dtandem.decode.int8=false step "bench-8b-$1-float-decode" 90 bench --model "$m" --backend vulkan -p 0 -n 128 -r 2
}

bench() {
    for type in q4_k q4_0 q8_0; do
        bench_type "$type"
        JOPTS=-Dtandem.prompt.attention=tiled step "bench-8b-$type-tiled-attention" 90 bench --model "$SHM/8b-$type.gguf" --backend vulkan -p 512,2048 -n 0 -r 2
    done
    step profile-8b-q4_k 90 bench --model "$SHM/8b-q4_k.gguf" --backend vulkan -p 0 -n 64 -r 1 --profile
}

# The most telling figures first, for a call that may be the session's only one: the decode kernels'
# check, each type's default (int8 decode, matrix-unit attention) against its float decode (Q8_0 is
# the control), then the attention kernels' check and the tiled attention.
first() {
    step kernel-check-decode 180 kernel-check --devices 0 --repeats 5 --shapes 4096x4096x1,14336x4096x1,4096x14336x1,4096x4096x4
    for type in q4_k q8_0 q4_0; do bench_type "$type"; done
    step kernel-check 240 kernel-check --devices 0 --repeats 3 --attention
    JOPTS=-Dtandem.prompt.attention=tiled step "bench-8b-q4_k-tiled-attention" 90 bench --model "$SHM/8b-q4_k.gguf" --backend vulkan -p 512,2048 -n 0 -r 2
    step profile-8b-q4_k 90 bench --model "$SHM/8b-q4_k.gguf" --backend vulkan -p 0 -n 64 -r 1 --profile
}

# Decode attention over 4,096 and 16,384 cached positions (kernel-check's decode rows): the default (a workgroup per
# group of query heads, 16 invocations per key row), each change alone, and the earlier kernel (a workgroup per query
# head, an invocation per key row); ATTENTION_VARIANTS=default checks the default alone
attention() {
    local kc="kernel-check --devices 0 --repeats 5 --attention --shapes 4096x4096x1 --types q8_0"
    # shellcheck disable=SC2086
    {
        step kernel-check-attention 240 $kc
        [ "${ATTENTION_VARIANTS:-all}" = default ] && return
        JOPTS="-Dtandem.attention.group=1 -Dtandem.attention.lanes=0" step kernel-check-attention-earlier 240 $kc
        JOPTS=-Dtandem.attention.lanes=0 step kernel-check-attention-lanes0 240 $kc
        JOPTS=-Dtandem.attention.group=1 step kernel-check-attention-group1 240 $kc
    }
}

# Decode at depth (N tokens in the cache first), then the earlier attention kernel's at 16,384 for comparison
depth() {
    step depth-8b-q4_k 240 bench --model "$(synth 8b q4_k)" --backend vulkan -p 0 -n 128 -r 1 -d 0,4096,16384 --ctx 16512
    JOPTS="-Dtandem.attention.group=1 -Dtandem.attention.lanes=0" step depth-8b-q4_k-earlier 150 bench --model "$SHM/8b-q4_k.gguf" \
        --backend vulkan -p 0 -n 64 -r 1 -d 16384 --ctx 16512
    # ranges of 32 positions or more instead of 512: more workgroups over a short cache (d0, d4096)
    JOPTS=-Dtandem.attention.minRange=32 step depth-8b-q4_k-minrange32 240 bench --model "$SHM/8b-q4_k.gguf" --backend vulkan \
        -p 0 -n 128 -r 1 -d 0,4096,16384 --ctx 16512
}

# Where a step's time goes, kernel by kernel (bench --profile): the 8B's prompt and decode
profile() {
    local m
    m=$(synth 8b q4_k)
    step profile-8b-q4_k-prompt 90 bench --model "$m" --backend vulkan -p 512 -n 0 -r 1 --profile
    step profile-8b-q4_k 90 bench --model "$m" --backend vulkan -p 0 -n 64 -r 1 --profile
}

# One-GPU decode settings, each against the default in the same call (8B tg128, -r 5, the set run twice in turn
# against drift): the down input quantized by gate and up or by a dispatch of its own (-Dtandem.decode.quantizeGlu), the attention
# ranges of a short cache (against one, -Dtandem.attention.splits=1) and of 4,224 positions at depth 4,096 (against 8,
# the earlier rule) and at 16,384; the other types' default; the fused kernels' greedy text against every fusion off;
# the host's phases per step and the fence wait (against -Dtandem.fence.wait=block)
decode() {
    local m type round
    m=$(synth 8b q4_k)
    for round in 1 2; do
        JOPTS=-Dtandem.decode.quantizeGlu=true step "decode-8b-q4_k-fused-glu-quantize-$round" 90 bench --model "$m" --backend vulkan -p 0 -n 128 -r 5
        JOPTS=-Dtandem.decode.quantizeGlu=false step "decode-8b-q4_k-separate-glu-quantize-$round" 90 bench --model "$m" --backend vulkan -p 0 -n 128 -r 5
        JOPTS=-Dtandem.attention.splits=1 step "decode-8b-q4_k-one-range-$round" 90 bench --model "$m" --backend vulkan -p 0 -n 128 -r 5
    done
    step decode-8b-q4_k-d4096 150 bench --model "$m" --backend vulkan -p 0 -n 128 -r 2 -d 4096 --ctx 4224
    JOPTS=-Dtandem.attention.splits=8 step decode-8b-q4_k-d4096-8-ranges 150 bench --model "$m" --backend vulkan -p 0 -n 128 -r 2 -d 4096 --ctx 4224
    step decode-8b-q4_k-d16384 240 bench --model "$m" --backend vulkan -p 0 -n 128 -r 1 -d 16384 --ctx 16512
    for type in q4_0 q8_0; do
        step "decode-8b-$type" 90 bench --model "$(synth 8b "$type")" --backend vulkan -p 0 -n 128 -r 5
    done
    JOPTS=-Dtandem.profile=false step host-8b-q4_k 90 bench --model "$m" --backend vulkan -p 0 -n 128 -r 1 --profile
    grep -H '^| Synth' "$OUT"/decode-*.txt | sed 's/|.*Synthetic Llama-3-8B//' > "$OUT/decode-summary.txt"
    # DECODE_SHORT=1: the figures above only (a call with little device time left)
    [ -n "${DECODE_SHORT:-}" ] && return
    local prompt="The quick brown fox jumps over the lazy dog because"
    step greedy-8b-q4_k-fused 60 run --model "$m" --backend vulkan --temperature 0 --tokens 24 --ctx 2048 --prompt "$prompt"
    JOPTS="-Dtandem.decode.quantizeGlu=false -Dtandem.decode.quantizeAttention=false" \
        step greedy-8b-q4_k-separate 60 run --model "$m" --backend vulkan --temperature 0 --tokens 24 --ctx 2048 --prompt "$prompt"
    JOPTS="-Dtandem.profile=false -Dtandem.fence.wait=block" step host-8b-q4_k-fence-block 90 bench --model "$m" --backend vulkan \
        -p 0 -n 128 -r 1 --profile
}

# A mixture's decode (Qwen3-30B-A3B Q4_K): the default against the attention kernel's own q/k norm
# (-Dtandem.decode.fuseQkNorm=true) and one attention range, and where its step's time goes
moe_decode() {
    local m
    m=$(synth qwen3-30b-a3b q4_k qwen3moe)
    step decode-qwen3-30b-a3b 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 3
    JOPTS=-Dtandem.decode.fuseQkNorm=true step decode-qwen3-30b-a3b-fused-qk-norm 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 3
    JOPTS=-Dtandem.attention.splits=1 step decode-qwen3-30b-a3b-one-range 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 3
    # the router (128 float32 rows) in 128 workgroups of one row, against the default's 16 of 8
    JOPTS=-Dtandem.matvec.minGroups=256 step decode-qwen3-30b-a3b-router-1-row 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 3
    [ -n "${DECODE_SHORT:-}" ] && return
    step profile-qwen3-30b-a3b 90 bench --model "$m" --backend vulkan -p 0 -n 32 -r 1 --profile
}

# The host's time between decode steps (2026-12-08: one logits array per decode loop instead of a new one per
# step, the shared steps' rows too): this build against .gpu/before.tgz (pack with BEFORE=COMMIT) in one call,
# alternating, for the 8B's three types; then this build's host phases.
host_ab() {
    local type round m before
    before=$(unpack_before) || return 1
    cp "$before/COMMIT" "$OUT/before-commit.txt"
    for round in 1 2; do
        for type in q4_k q4_0 q8_0; do
            m=$(synth 8b "$type")
            step "host-8b-$type-now-$round" 60 bench --model "$m" --backend vulkan -p 0 -n 128 -r 3
            CLASSES="$before" step "host-8b-$type-before-$round" 60 bench --model "$m" --backend vulkan -p 0 -n 128 -r 3
        done
    done
    JOPTS=-Dtandem.profile=false step host-8b-q4_k-phases 90 bench --model "$(synth 8b q4_k)" --backend vulkan -p 0 -n 128 -r 1 --profile
    grep -H '^| Synth' "$OUT"/host-8b-*.txt | sed 's/|.*Synthetic Llama-3-8B//' > "$OUT/host-summary.txt"
}

# The same for 8 parallel streams and the mixture, and the decode attention's query heads per workgroup at a
# short cache (tandem.attention.group: 1 or 2 give 4-8x the workgroups of the default's whole KV-head groups)
host_ab_more() {
    local m group before
    before=$(unpack_before) || return 1
    m=$(synth 8b q4_0)
    step host-parallel-8b-q4_0-now 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 2 --parallel 8
    CLASSES="$before" step host-parallel-8b-q4_0-before 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 2 --parallel 8
    m=$(synth qwen3-30b-a3b q4_k qwen3moe)
    step host-qwen3-30b-a3b-now 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 3
    CLASSES="$before" step host-qwen3-30b-a3b-before 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 3
    for group in 1 2; do
        JOPTS=-Dtandem.attention.group=$group step "host-qwen3-30b-a3b-group-$group" 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 3
        JOPTS=-Dtandem.attention.group=$group step "host-8b-q4_k-group-$group" 60 bench --model "$(synth 8b q4_k)" --backend vulkan -p 0 -n 128 -r 3
    done
    step host-8b-q4_k-group-default 60 bench --model "$(synth 8b q4_k)" --backend vulkan -p 0 -n 128 -r 3
    # a chat's prompt of ~2,200 tokens: prefilled in chunks of 512 on GPUs now, of 64 before (the "prompt ... tok/s" line)
    for _ in $(seq 200); do echo "The quick brown fox jumps over the lazy dog."; done > "$SHM/long-prompt.txt"
    m=$(synth 8b q4_k)
    step host-prefill-8b-q4_k-now 90 run --model "$m" --backend vulkan --ctx 4096 --tokens 8 --file "$SHM/long-prompt.txt"
    CLASSES="$before" step host-prefill-8b-q4_k-before 90 run --model "$m" --backend vulkan --ctx 4096 --tokens 8 --file "$SHM/long-prompt.txt"
}

parallel() {
    local m
    m=$(synth 8b q4_0)
    step parallel-8b-q4_0 240 bench --model "$m" --backend vulkan -p 0 -n 128 -r 2 --parallel 1,4,8
    # the host's phases of the shared steps (kernel timestamps per layer only): waiting, recording, copying
    JOPTS=-Dtandem.profile=false step parallel-8b-q4_0-host 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 1 --parallel 8 --profile
}

# The greedy continuation of the reference mixtures' 92-token prompt (its prompt products take the
# grouped expert kernels) with the default and with the matrix-unit expert kernel: CPU and lavapipe
# give "' little said F?%on?v?I'" (qwen3moe-q4_k) and "'?9k?Maupon4 mylive'" (gpt-oss-mxfp4_moe);
# the matrix-unit kernel becomes the default once it gives the same.
moe_greedy() {
    local prompt="Lily and her little brother Tom went to the park on a sunny day. They played on the swings, shared a big red apple under a tree and watched the ducks swim in the pond until the sun went down. Then Lily said to Tom"
    for m in qwen3moe-q4_k gpt-oss-mxfp4_moe; do
        step "greedy-$m-default" 60 run --model ".gpu/$m.gguf" --backend vulkan --temperature 0 --tokens 12 --prompt "$prompt"
        JOPTS=-Dtandem.moe.kernel=coopmat step "greedy-$m-coopmat" 60 run --model ".gpu/$m.gguf" --backend vulkan --temperature 0 --tokens 12 --prompt "$prompt"
        JOPTS=-Dtandem.moe.int8=true step "greedy-$m-int8-experts" 60 run --model ".gpu/$m.gguf" --backend vulkan --temperature 0 --tokens 12 --prompt "$prompt"
    done
}

moe() {
    moe_greedy
    local m
    m=$(synth qwen3-30b-a3b q4_k qwen3moe)
    step bench-qwen3-30b-a3b 150 bench --model "$m" --backend vulkan -p 512 -n 128 -r 2
    JOPTS=-Dtandem.moe.kernel=coopmat step bench-qwen3-30b-a3b-coopmat 120 bench --model "$m" --backend vulkan -p 512 -n 0 -r 2
    step profile-qwen3-30b-a3b 90 bench --model "$m" --backend vulkan -p 0 -n 32 -r 1 --profile
    # the experts on the int8 products (opt-in until this shows them faster; the greedy check above gives their text too)
    JOPTS=-Dtandem.moe.int8=true step bench-qwen3-30b-a3b-int8-experts 120 bench --model "$m" --backend vulkan -p 0 -n 128 -r 2
    JOPTS=-Dtandem.moe.int8=true step profile-qwen3-30b-a3b-int8-experts 90 bench --model "$m" --backend vulkan -p 0 -n 32 -r 1 --profile
}

# Issue #13's dense models at their real shapes (random weights, the Q4_K_M mix llama-quantize writes): Gemma 3 27B
# (heads of 256, sliding-window layers) and Phi-4-mini
dense() {
    local m
    m=$(synth phi-4-mini q4_k_m phi3)
    step bench-phi-4-mini-q4_k_m 150 bench --model "$m" --backend vulkan -p 512 -n 128 -r 2
    m=$(synth gemma-3-27b q4_k_m gemma3)
    step bench-gemma-3-27b-q4_k_m 240 bench --model "$m" --backend vulkan -p 512 -n 128 -r 2
}

# The decode products' workgroup shape: rows per workgroup (-Dtandem.matvec.rows) x subgroups per workgroup
# (-Dtandem.matvec.subgroups) on the 8B of each type, then rows per workgroup with 4 and 8 sequences (whose
# workgroups hold rows x sequences sums). SWEEP_TYPES, SWEEP_ROWS, SWEEP_SUBGROUPS and SWEEP_PARALLEL_ROWS narrow it.
# One line per run in sweep-summary.txt.
sweep() {
    local m type rows sg
    for type in ${SWEEP_TYPES:-q4_k q4_0}; do
        m=$(synth 8b "$type")
        for rows in ${SWEEP_ROWS:-2 4 8 16}; do
            for sg in ${SWEEP_SUBGROUPS:-1 2 4 8}; do
                JOPTS="-Dtandem.matvec.rows=$rows -Dtandem.matvec.subgroups=$sg" step "sweep-8b-$type-r$rows-s$sg" 60 \
                    bench --model "$m" --backend vulkan -p 0 -n 256 -r 2
            done
        done
    done
    m=$(synth 8b q4_0)
    for rows in ${SWEEP_PARALLEL_ROWS:-1 2 4 8}; do
        JOPTS=-Dtandem.matvec.rows=$rows step "sweep-parallel-8b-q4_0-r$rows" 120 bench --model "$m" --backend vulkan \
            -p 0 -n 128 -r 1 --parallel 4,8
    done
    grep -H '^| Synth' "$OUT"/sweep-*.txt | sed 's/|.*Synthetic Llama-3-8B//' > "$OUT/sweep-summary.txt"
    cat "$OUT/sweep-summary.txt"
}

# hog ARGS...: .ci/HogDeviceMemory.java, as pack compiled it into .gpu/hog
hog() {
    "$JAVA" --enable-native-access=ALL-UNNAMED -Dorg.lwjgl.system.memoryBackend=ffm -cp '.gpu/lib/*:engine/target/classes:.gpu/hog' \
        HogDeviceMemory "$@"
}

# exhaust_line NAME: what the sub-step's output file says, for the summary: its exit status and its last line of
# output, and whether a Java stack trace is in it
exhaust_line() {
    local f="$OUT/$1.txt" last rc trace=no
    # step's "rc=N" ends the file, on a line of its own unless the command was cut off in mid-line
    rc=$(tail -n 1 "$f" | grep -o 'rc=[0-9]*$' || echo "rc=none")
    last=$(sed '$ s/rc=[0-9]*$//' "$f" | grep -v '^$' | tail -n 1 | cut -c1-300)
    grep -qE '^\s+at [a-zA-Z_$]|Exception in thread|^Caused by:' "$f" && trace=YES
    echo "$rc; stack trace: $trace; last line: $last"
}

# A device that disappears (issue #18): (a) a generation runs while a second process (the hog) takes all of the
# device's memory it can and holds it for $HOG_HOLD_S s; (b) while the hog holds it, a second load must refuse in
# one line (exit status != 0, no stack trace); (c) once the hog is gone the model loads and generates again.
# One summary line per sub-step in exhaust-summary.txt. EXHAUST_PRESET, EXHAUST_TOKENS and HOG_MAX_GIB (a cap,
# for trying it on lavapipe without taking the machine's RAM) change the defaults.
exhaust() {
    local m hold=${HOG_HOLD_S:-30} tokens=${EXHAUST_TOKENS:-3000} flag="$OUT/exhaust-hog-full.txt" summary="$OUT/exhaust-summary.txt"
    local prompt="Once upon a time there was a little robot who" gen hogpid waited=0 cap=() line verdict
    [ -n "${HOG_MAX_GIB:-}" ] && cap=(--max-gib "$HOG_MAX_GIB")
    [ -d .gpu/hog ] || { echo "exhaust: .gpu/hog is missing; run 'bash .ci/gpu.sh pack' again" | tee "$summary" >&2; return 1; }
    m=$(synth "${EXHAUST_PRESET:-8b}" q4_0)
    rm -f "$flag"
    : > "$summary"
    step exhaust-a-generate 150 run --model "$m" --backend vulkan --ctx 4096 --seed 1 --tokens "$tokens" --prompt "$prompt" &
    gen=$!
    # generating: the model is loaded (its "..., context N" line) and two seconds have passed
    until grep -q ', context ' "$OUT/exhaust-a-generate.txt" 2>/dev/null || ! kill -0 "$gen" 2>/dev/null || [ "$waited" -ge 150 ]; do
        sleep 1; waited=$((waited + 1))
    done
    sleep 2
    kill -0 "$gen" 2>/dev/null || echo "exhaust: the generation ended before the hog started" >> "$summary"
    { echo "hog ${cap[*]} --hold-seconds $hold"; timeout $((hold + 120)) bash -c "$(declare -f hog); hog \"\$@\"" _ \
        "${cap[@]}" --hold-seconds "$hold" --flag "$flag"; echo "rc=$?"; } > "$OUT/exhaust-hog.txt" 2>&1 &
    hogpid=$!
    waited=0
    until [ -f "$flag" ] || ! kill -0 "$hogpid" 2>/dev/null || [ "$waited" -ge 120 ]; do sleep 1; waited=$((waited + 1)); done
    if [ -f "$flag" ]; then
        kill -0 "$gen" 2>/dev/null && echo "exhaust: the hog was full while the generation still ran" >> "$summary" \
            || echo "exhaust: the generation had ended before the hog was full (use more EXHAUST_TOKENS)" >> "$summary"
        nvidia-smi --query-gpu=memory.used,memory.total --format=csv > "$OUT/exhaust-nvidia-smi-full.txt" 2>&1
        # (b) a second load while the hog holds the memory
        step exhaust-b-load-while-full 60 run --model "$m" --backend vulkan --ctx 4096 --seed 1 --tokens 16 --prompt "$prompt"
        line=$(exhaust_line exhaust-b-load-while-full)
        case "$line" in rc=[1-9]*"stack trace: no; last line: tandem run: "*) verdict="as expected" ;; *) verdict="NOT as expected" ;; esac
        echo "b (load while the device is full, expect rc!=0 and a one-line 'tandem run: ...' error): $verdict: $line" >> "$summary"
        kill -0 "$hogpid" 2>/dev/null || echo "exhaust: the hog was gone before (b) ended (raise HOG_HOLD_S)" >> "$summary"
    else
        echo "b: not run, the hog never became full: $(tail -n 1 "$OUT/exhaust-hog.txt")" >> "$summary"
    fi
    wait "$gen"
    echo "a (generation while the hog takes the memory): $(exhaust_line exhaust-a-generate)" >> "$summary"
    wait "$hogpid"
    echo "$(grep -m1 '^hog: holding\|^hog: failed' "$OUT/exhaust-hog.txt"); then $(grep -v '^rc=' "$OUT/exhaust-hog.txt" | tail -n 1) ($(tail -n 1 "$OUT/exhaust-hog.txt"))" >> "$summary"
    # (c) the hog is gone: the model loads and generates again
    step exhaust-c-load-after 120 run --model "$m" --backend vulkan --ctx 4096 --seed 1 --tokens 64 --prompt "$prompt"
    line=$(exhaust_line exhaust-c-load-after)
    case "$line" in "rc=0; stack trace: no;"*) verdict="as expected" ;; *) verdict="NOT as expected" ;; esac
    echo "c (load after the hog exited, expect rc=0): $verdict: $line" >> "$summary"
    cat "$summary"
}

run() {
    mkdir -p "$OUT" "$SHM"
    # shellcheck disable=SC1091
    source .device/env.sh
    export JAVA
    nvidia-smi -L > "$OUT/card.txt" 2>&1
    gunzip -c .gpu/vocab.gguf.gz > "$SHM/vocab.gguf"
    step devices 60 devices
    case "${1:-all}" in
        first) first ;;
        check) check ;;
        bench) bench ;;
        depth) depth ;;
        attention) attention ;;
        greedy) moe_greedy ;;
        profile) profile ;;
        parallel) parallel ;;
        moe) moe ;;
        exhaust) exhaust ;;
        sweep) sweep ;;
        dense) dense ;;
        decode) decode ;;
        moe-decode) moe_decode ;;
        host) host_ab ;;
        host-more) host_ab_more ;;
        all) check; bench; depth; parallel; moe ;;
        *) echo "unknown part '$1': first, check, bench, attention, depth, greedy, profile, parallel, moe, exhaust, sweep, dense, decode, moe-decode, host, host-more or all" >&2; return 2 ;;
    esac
    grep -ho "rc=[0-9]*$" "$OUT"/*.txt | sort | uniq -c # each step's status, also where its output did not end a line
}

case "${1:-}" in
    pack) pack ;;
    run) shift; run "$@" ;;
    *) echo "usage: bash .ci/gpu.sh pack | run [first|check|bench|attention|depth|greedy|profile|parallel|moe|exhaust|sweep|dense|decode|moe-decode|host|host-more|all]" >&2; exit 2 ;;
esac
