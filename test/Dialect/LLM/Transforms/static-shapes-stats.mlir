// llm-static-shapes' FLOPs report, for prompts of 1, 5 and 13 tokens with
// buckets 4, 8 and chunk 4 over 32 slots, on the one-layer model. Every
// figure below is derived by hand (kFLOP = 1000 FLOP; a multiply-add is 2,
// another computing op 1 per result element):
//
// A static program of N tokens:
//   q, k, v projections    2*N*64*(64+32+32)         = 16384 N
//   RoPE on q and k        N*(64+32)                 =    96 N
//   attention over 32 slots 2*(4*N*32)*(16+16)       =  8192 N
//   residual add           64 N                      =    64 N
//   positions, mask        add N, min N, add N, compare 32 N, sub 1 = 35 N + 1
//   last row               limit add 1, norm 64, LM head 2*64*64 = 8257
//   Program(N) = 24771 N + 8258: P(1) = 33029, P(4) = 107342,
//   P(8) = 206426, P(32) = 800930.
// What the dynamic model needs for L tokens (causal attention over L keys,
// LM head on the last row, whose index is a constant here: its limit add
// folds): 2*4*L*L*32 + (16384 + 96 + 64) L + 64 + 8192
//   = 256 L^2 + 16544 L + 8256: L=1 25056, L=5 97376, L=13 266592.
// Schedules: 13 tokens are 8 + 8 (buckets), 4 x 4 (chunks), 4 + 4 + 5-in-8
// (both).
// RUN: llmc-opt %S/Inputs/one-layer-llama.mlir -o /dev/null --llm-static-shapes="max-seq-len=32 prefill-buckets=4,8 prefill-chunk=4 stats-prompt-lengths=1,5,13" 2>&1 | FileCheck %s

// CHECK:      llm-static-shapes stats: prefill kFLOP per prompt (calls), max-seq-len 32, buckets [4,8], chunk 4, baked prefix 0 tokens
// CHECK-NEXT: prompt   needed               pad to max             buckets                chunks                 buckets + chunk
// CHECK-NEXT: 1        25.056 (1 call)      800.930 (1 call)       107.342 (1 call)       107.342 (1 call)       107.342 (1 call)
// CHECK-NEXT: 5        97.376 (1 call)      800.930 (1 call)       206.426 (1 call)       214.684 (2 calls)      206.426 (1 call)
// CHECK-NEXT: 13       266.592 (1 call)     800.930 (1 call)       412.852 (2 calls)      429.368 (4 calls)      421.110 (3 calls)
// CHECK-NEXT: total    389.024 (3 calls)    2402.790 (3 calls)     726.620 (4 calls)      751.394 (7 calls)      734.878 (5 calls)
// CHECK-NEXT: needed %                      16%                    54%                    52%                    53%
// CHECK-NEXT: decode: 33.029 kFLOP per generated token (attends over all 32 slots)

// A prompt longer than the cache is an error, not a row.
// RUN: not llmc-opt %S/Inputs/one-layer-llama.mlir -o /dev/null --llm-static-shapes="max-seq-len=32 prefill-buckets=8 stats-prompt-lengths=40" 2>&1 | FileCheck --check-prefix=LONG %s
// LONG: error: a prompt of 40 tokens does not fit the 32 free cache slots
