// The static programs' ABI (ProgramABI.h, the dialect's "Model modules and
// inference phases"): one case per verifier message.
// RUN: llmc-opt %s -split-input-file -verify-diagnostics

// `llm.phase` is the enum attribute, on a func.func.
module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{'llm.phase' must be #llm.phase<prefill>, #llm.phase<decode> or #llm.phase<prefix>, not "decode"}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = "decode", llm.tokens = 1 : i64}
}

// -----

// expected-error @+1 {{'llm.phase' belongs on a func.func}}
module attributes {llm.phase = #llm.phase<decode>} {
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{a decode program must carry 'llm.tokens'}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>}
}

// -----

// One decode program, one prefill program per size, one prefix.
module attributes {llm.max_seq_len = 8 : i64} {
  // expected-note @+1 {{the other is here}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  // expected-error @+1 {{the module already has a decode program}}
  func.func private @decode_again(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  // expected-note @+1 {{the other is here}}
  func.func private @prefill_4(tensor<1x4xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 4 : i64}
  // expected-error @+1 {{the module already has a prefill program of 4 tokens}}
  func.func private @prefill_four(tensor<1x4xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 4 : i64}
}

// -----

module {
  // expected-note @+1 {{the other is here}}
  func.func private @prefix_cache() -> tensor<1x1x2x2xf32>
      attributes {llm.phase = #llm.phase<prefix>, llm.tokens = 2 : i64}
  // expected-error @+1 {{the module already has a prefix program}}
  func.func private @another_prefix() -> tensor<1x1x2x2xf32>
      attributes {llm.phase = #llm.phase<prefix>, llm.tokens = 2 : i64}
}

// -----

// A prefix program: () -> (the caches' initial values), with a cache slot
// left free.
module {
  // expected-error @+1 {{a prefix program takes no arguments, not 1}}
  func.func private @prefix_cache(tensor<1xi64>) -> tensor<1x1x2x2xf32>
      attributes {llm.phase = #llm.phase<prefix>, llm.tokens = 2 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  // expected-error @+1 {{a prefix of 8 tokens leaves no cache slot of llm.max_seq_len = 8 free}}
  func.func private @prefix_cache() -> tensor<1x1x8x2xf32>
      attributes {llm.phase = #llm.phase<prefix>, llm.tokens = 8 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  // expected-error @+1 {{the programs of a module share their caches: this program returns 2, @decode takes 1}}
  func.func private @prefix_cache() -> (tensor<1x1x8x2xf32>, tensor<1x1x8x2xf32>)
      attributes {llm.phase = #llm.phase<prefix>, llm.tokens = 2 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  // expected-error @+1 {{the programs of a module share their caches: cache #0 is 'tensor<1x1x2x2xf32>' here, 'tensor<1x1x8x2xf32>' in @decode}}
  func.func private @prefix_cache() -> tensor<1x1x2x2xf32>
      attributes {llm.phase = #llm.phase<prefix>, llm.tokens = 2 : i64}
}

// -----

// Prefill and decode programs live in a module of static programs, within
// its cache slots.
module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{a decode program has llm.tokens = 1, not 2}}
  func.func private @decode(tensor<1x2xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 2 : i64}
}

// -----

module {
  // expected-error @+1 {{a prefill program belongs in a builtin.module with 'llm.max_seq_len'}}
  func.func private @prefill_4(tensor<1x4xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 4 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  // expected-error @+1 {{a prefill program of 16 tokens does not fit llm.max_seq_len = 8 cache slots}}
  func.func private @prefill_16(tensor<1x16xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 16 : i64}
}

// -----

// The signature: (ids [B, N], position, length, caches...) -> (logits
// [B, 1, V], each cache written in place of its argument).
module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{a decode program takes (ids, position, length, caches...), not 2 arguments}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>) -> tensor<1x1x4xf32>
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  // expected-error @+1 {{the ids (argument #0) of a prefill program of llm.tokens = 4 must be an i64 tensor [B, 4], not 'tensor<1x2xi64>'}}
  func.func private @prefill_4(tensor<1x2xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 4 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{the ids (argument #0) of a decode program of llm.tokens = 1 must be an i64 tensor [B, 1], not 'tensor<1x1xf32>'}}
  func.func private @decode(tensor<1x1xf32>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{the position (argument #1) of a decode program must be tensor<i64>, not 'tensor<1xi64>'}}
  func.func private @decode(tensor<1x1xi64>, tensor<1xi64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{the length (argument #2) of a decode program must be tensor<i64>, not 'tensor<f32>'}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<f32>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{the ids (argument #0) of a decode program of llm.tokens = 1 must be an i64 tensor [B, 1], not 'tensor<1x1xi32>'}}
  func.func private @decode(tensor<1x1xi32>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

// A cache holds max_seq_len slots along axis 2.
module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{cache #0 (argument #3) of a decode program must be a float tensor [B, H, 8, D] (llm.max_seq_len slots, static H and D), not 'tensor<1x2x5x4xf32>'}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x2x5x4xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x2x5x4xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{cache #0 (argument #3) of a decode program must be a float tensor [B, H, 8, D] (llm.max_seq_len slots, static H and D), not 'tensor<3xi1>'}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<3xi1>)
      -> (tensor<1x1x4xf32>, tensor<3xi1> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{a decode program returns the logits and one result per cache argument (2 results), not 1}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> tensor<1x1x4xf32>
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{the logits (result #0) of a decode program must be a float tensor [B, 1, V], not 'tensor<1x2x4xf32>'}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x2x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{cache result #2 of a decode program must carry 'llm.aliases = 4', the cache argument it is written in place of}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64}, tensor<1x1x8x2xf32>)
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{cache result #1 of a decode program must carry 'llm.aliases = 3', the cache argument it is written in place of}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 4 : i64}, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

// All programs of a module share the decode program's caches.
module attributes {llm.max_seq_len = 8 : i64} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  // expected-error @+1 {{the programs of a module share their caches: this program takes 2, @decode takes 1}}
  func.func private @prefill_4(tensor<1x4xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64}, tensor<1x1x8x2xf32> {llm.aliases = 4 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 4 : i64}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  // expected-error @+1 {{the programs of a module share their caches: cache #0 is 'tensor<1x1x8x2xf16>' here, 'tensor<1x1x8x2xf32>' in @decode}}
  func.func private @prefill_4(tensor<1x4xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf16>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf16> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 4 : i64}
}

// -----

// `llm.tokens`: positive, on a static program.
module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{'llm.tokens' must be a positive integer}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 0 : i64}
}

// -----

// expected-error @+1 {{'llm.tokens' belongs on a static program (a func.func with 'llm.phase')}}
func.func private @f() attributes {llm.tokens = 4 : i64}

// -----

// `llm.max_seq_len` and `llm.prefill_chunk`: positive, on a module of
// static programs, which has a decode program, and whose chunk size is one
// of its prefill programs.
// expected-error @+1 {{'llm.max_seq_len' must be a positive integer}}
module attributes {llm.max_seq_len = -4 : i64} {
}

// -----

// expected-error @+1 {{'llm.max_seq_len' belongs on a builtin.module}}
func.func private @f() attributes {llm.max_seq_len = 8 : i64}

// -----

// expected-error @+1 {{a module of static programs ('llm.max_seq_len') needs a decode program (llm.phase = #llm.phase<decode>)}}
module attributes {llm.max_seq_len = 8 : i64} {
  func.func private @prefill_4(tensor<1x4xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 4 : i64}
}

// -----

// expected-error @+1 {{'llm.prefill_chunk' must be a positive integer}}
module attributes {llm.max_seq_len = 8 : i64, llm.prefill_chunk = "4"} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
}

// -----

// expected-error @+1 {{'llm.prefill_chunk' belongs on a builtin.module}}
func.func private @f() attributes {llm.prefill_chunk = 4 : i64}

// -----

// expected-error @+1 {{'llm.prefill_chunk' belongs on a module of static programs (with 'llm.max_seq_len')}}
module attributes {llm.prefill_chunk = 4 : i64} {
}

// -----

// expected-error @+1 {{'llm.prefill_chunk' = 2 names no prefill program (none has llm.tokens = 2)}}
module attributes {llm.max_seq_len = 8 : i64, llm.prefill_chunk = 2 : i64} {
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
  func.func private @prefill_4(tensor<1x4xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 4 : i64}
}

// -----

// `llm.prefix_ids`: the prefix program's ids, one per token.
module {
  // expected-error @+1 {{'llm.prefix_ids' must be an array<i64> of token ids}}
  func.func private @prefix_cache() -> tensor<1x1x2x2xf32>
      attributes {llm.phase = #llm.phase<prefix>, llm.tokens = 2 : i64, llm.prefix_ids = array<i32: 1, 2>}
}

// -----

module attributes {llm.max_seq_len = 8 : i64} {
  // expected-error @+1 {{'llm.prefix_ids' belongs on a prefix program (llm.phase = #llm.phase<prefix>)}}
  func.func private @decode(tensor<1x1xi64>, tensor<i64>, tensor<i64>, tensor<1x1x8x2xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x2xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64, llm.prefix_ids = array<i64: 5>}
}

// -----

module {
  // expected-error @+1 {{'llm.prefix_ids' holds 2 ids, but llm.tokens = 3}}
  func.func private @prefix_cache() -> tensor<1x1x3x2xf32>
      attributes {llm.phase = #llm.phase<prefix>, llm.tokens = 3 : i64, llm.prefix_ids = array<i64: 1, 2>}
}

// -----

// `llm.aliases = <argument index>`: a func.func result written in place of
// an argument of its type; no two results in one argument.
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'llm.aliases' is an attribute of a function result, not of an operation}}
  %b = llm.neg %a {llm.aliases = 0 : i64} : tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----

// expected-error @+1 {{'llm.aliases' belongs on a function result, not on argument #0}}
func.func private @f(tensor<4xf32> {llm.aliases = 0 : i64}) -> tensor<4xf32>

// -----

// expected-error @+1 {{'llm.aliases' of result #0 must be an integer naming an argument, not "nonsense"}}
func.func @f(%a: tensor<4xf32>) -> (tensor<4xf32> {llm.aliases = "nonsense"}) {
  return %a : tensor<4xf32>
}

// -----

// expected-error @+1 {{'llm.aliases' of result #0 names argument #1, but the function has 1 arguments}}
func.func private @f(tensor<4xf32>) -> (tensor<4xf32> {llm.aliases = 1 : i64})

// -----

// expected-error @+1 {{'llm.aliases' of result #0 names argument #-1, but the function has 1 arguments}}
func.func private @f(tensor<4xf32>) -> (tensor<4xf32> {llm.aliases = -1 : i64})

// -----

// expected-error @+1 {{result #0 ('tensor<4xf16>') cannot live in argument #0 ('tensor<4xf32>'): 'llm.aliases' needs equal types}}
func.func private @f(tensor<4xf32>) -> (tensor<4xf16> {llm.aliases = 0 : i64})

// -----

// expected-error @+1 {{results #0 and #1 both alias argument #0}}
func.func private @f(tensor<4xf32>) -> (tensor<4xf32> {llm.aliases = 0 : i64}, tensor<4xf32> {llm.aliases = 0 : i64})

// -----

// Unknown llm argument and result attributes.
// expected-error @+1 {{unknown argument attribute 'llm.cache' of the llm dialect}}
func.func private @f(tensor<4xf32> {llm.cache}) -> tensor<4xf32>

// -----

// expected-error @+1 {{unknown result attribute 'llm.cache' of the llm dialect}}
func.func private @f(tensor<4xf32>) -> (tensor<4xf32> {llm.cache})
