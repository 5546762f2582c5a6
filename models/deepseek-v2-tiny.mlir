module attributes {llm.weights = "deepseek-v2-tiny/model.safetensors"} {
  func.func @forward(%arg0: tensor<1x?xi64>, %arg1: tensor<1x?xi64>, %arg2: tensor<1x1x?x32xf32>, %arg3: tensor<1x1x?x8xf32>, %arg4: tensor<1x1x?x32xf32>, %arg5: tensor<1x1x?x8xf32>) -> (tensor<1x?x512xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>) {
    %model.embed_tokens.weight = llm.weight "model.embed_tokens.weight" : tensor<512x64xf32>
    %model.layers.0.input_layernorm.weight = llm.weight "model.layers.0.input_layernorm.weight" : tensor<64xf32>
    %model.layers.0.self_attn.q_a_proj.weight = llm.weight "model.layers.0.self_attn.q_a_proj.weight" : tensor<32x64xf32>
    %model.layers.0.self_attn.q_a_layernorm.weight = llm.weight "model.layers.0.self_attn.q_a_layernorm.weight" : tensor<32xf32>
    %model.layers.0.self_attn.q_b_proj.weight = llm.weight "model.layers.0.self_attn.q_b_proj.weight" : tensor<96x32xf32>
    %model.layers.0.self_attn.kv_a_proj_with_mqa.weight = llm.weight "model.layers.0.self_attn.kv_a_proj_with_mqa.weight" : tensor<40x64xf32>
    %model.layers.0.self_attn.kv_a_layernorm.weight = llm.weight "model.layers.0.self_attn.kv_a_layernorm.weight" : tensor<32xf32>
    %model.layers.0.self_attn.kv_b_proj.weight = llm.weight "model.layers.0.self_attn.kv_b_proj.weight" : tensor<112x32xf32>
    %model.layers.0.self_attn.o_proj.weight = llm.weight "model.layers.0.self_attn.o_proj.weight" : tensor<64x48xf32>
    %model.layers.0.post_attention_layernorm.weight = llm.weight "model.layers.0.post_attention_layernorm.weight" : tensor<64xf32>
    %model.layers.0.mlp.gate_proj.weight = llm.weight "model.layers.0.mlp.gate_proj.weight" : tensor<128x64xf32>
    %model.layers.0.mlp.up_proj.weight = llm.weight "model.layers.0.mlp.up_proj.weight" : tensor<128x64xf32>
    %model.layers.0.mlp.down_proj.weight = llm.weight "model.layers.0.mlp.down_proj.weight" : tensor<64x128xf32>
    %model.layers.1.input_layernorm.weight = llm.weight "model.layers.1.input_layernorm.weight" : tensor<64xf32>
    %model.layers.1.self_attn.q_a_proj.weight = llm.weight "model.layers.1.self_attn.q_a_proj.weight" : tensor<32x64xf32>
    %model.layers.1.self_attn.q_a_layernorm.weight = llm.weight "model.layers.1.self_attn.q_a_layernorm.weight" : tensor<32xf32>
    %model.layers.1.self_attn.q_b_proj.weight = llm.weight "model.layers.1.self_attn.q_b_proj.weight" : tensor<96x32xf32>
    %model.layers.1.self_attn.kv_a_proj_with_mqa.weight = llm.weight "model.layers.1.self_attn.kv_a_proj_with_mqa.weight" : tensor<40x64xf32>
    %model.layers.1.self_attn.kv_a_layernorm.weight = llm.weight "model.layers.1.self_attn.kv_a_layernorm.weight" : tensor<32xf32>
    %model.layers.1.self_attn.kv_b_proj.weight = llm.weight "model.layers.1.self_attn.kv_b_proj.weight" : tensor<112x32xf32>
    %model.layers.1.self_attn.o_proj.weight = llm.weight "model.layers.1.self_attn.o_proj.weight" : tensor<64x48xf32>
    %model.layers.1.post_attention_layernorm.weight = llm.weight "model.layers.1.post_attention_layernorm.weight" : tensor<64xf32>
    %model.layers.1.mlp.gate_proj.weight = llm.weight "model.layers.1.mlp.gate_proj.weight" : tensor<128x64xf32>
    %model.layers.1.mlp.up_proj.weight = llm.weight "model.layers.1.mlp.up_proj.weight" : tensor<128x64xf32>
    %model.layers.1.mlp.down_proj.weight = llm.weight "model.layers.1.mlp.down_proj.weight" : tensor<64x128xf32>
    %model.norm.weight = llm.weight "model.norm.weight" : tensor<64xf32>
    %lm_head.weight = llm.weight "lm_head.weight" : tensor<512x64xf32>
    %0 = llm.embedding %model.embed_tokens.weight[%arg0] : tensor<512x64xf32>, tensor<1x?xi64>
    %1 = llm.rms_norm %0, %model.layers.0.input_layernorm.weight epsilon(9.9999999999999995E-7) : tensor<1x?x64xf32>, tensor<64xf32>
    %2 = llm.linear %1, %model.layers.0.self_attn.q_a_proj.weight : tensor<1x?x64xf32>, tensor<32x64xf32>
    %3 = llm.rms_norm %2, %model.layers.0.self_attn.q_a_layernorm.weight epsilon(9.9999999999999995E-7) : tensor<1x?x32xf32>, tensor<32xf32>
    %4 = llm.linear %3, %model.layers.0.self_attn.q_b_proj.weight : tensor<1x?x32xf32>, tensor<96x32xf32>
    %5 = llm.reshape %4 : tensor<1x?x96xf32> to tensor<1x?x4x24xf32>
    %6 = llm.transpose %5 [0, 2, 1, 3] : tensor<1x?x4x24xf32>
    %7 = llm.slice %6 dims [3] starts [0] limits [16] : tensor<1x4x?x24xf32> to tensor<1x4x?x16xf32>
    %8 = llm.slice %6 dims [3] starts [16] limits [24] : tensor<1x4x?x24xf32> to tensor<1x4x?x8xf32>
    %9 = llm.rope <interleaved> %8, %arg1 theta(1.000000e+04) {yarn = #llm.yarn<factor = 4.000000e+00, original_max_position = 64, beta_fast = 3.200000e+01, beta_slow = 1.000000e+00, mscale = 7.070000e-01, mscale_all_dim = 7.070000e-01>} : tensor<1x4x?x8xf32>, tensor<1x?xi64>
    %10 = llm.linear %1, %model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<1x?x64xf32>, tensor<40x64xf32>
    %11 = llm.slice %10 dims [2] starts [0] limits [32] : tensor<1x?x40xf32> to tensor<1x?x32xf32>
    %12 = llm.rms_norm %11, %model.layers.0.self_attn.kv_a_layernorm.weight epsilon(9.9999999999999995E-7) : tensor<1x?x32xf32>, tensor<32xf32>
    %13 = llm.slice %10 dims [2] starts [32] limits [40] : tensor<1x?x40xf32> to tensor<1x?x8xf32>
    %14 = llm.reshape %13 : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
    %15 = llm.rope <interleaved> %14, %arg1 theta(1.000000e+04) {yarn = #llm.yarn<factor = 4.000000e+00, original_max_position = 64, beta_fast = 3.200000e+01, beta_slow = 1.000000e+00, mscale = 7.070000e-01, mscale_all_dim = 7.070000e-01>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
    %16 = llm.reshape %12 : tensor<1x?x32xf32> to tensor<1x1x?x32xf32>
    %17 = llm.kv_append %arg2, %16 : tensor<1x1x?x32xf32>, tensor<1x1x?x32xf32>
    %18 = llm.kv_append %arg3, %15 : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %19 = llm.mla_attention %7, %9, %17, %18, %model.layers.0.self_attn.kv_b_proj.weight scale(0.24609782191507457) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
    %20 = llm.transpose %19 [0, 2, 1, 3] : tensor<1x4x?x12xf32>
    %21 = llm.reshape %20 : tensor<1x?x4x12xf32> to tensor<1x?x48xf32>
    %22 = llm.linear %21, %model.layers.0.self_attn.o_proj.weight : tensor<1x?x48xf32>, tensor<64x48xf32>
    %23 = llm.add %0, %22 : tensor<1x?x64xf32>
    %24 = llm.rms_norm %23, %model.layers.0.post_attention_layernorm.weight epsilon(9.9999999999999995E-7) : tensor<1x?x64xf32>, tensor<64xf32>
    %25 = llm.linear %24, %model.layers.0.mlp.gate_proj.weight : tensor<1x?x64xf32>, tensor<128x64xf32>
    %26 = llm.linear %24, %model.layers.0.mlp.up_proj.weight : tensor<1x?x64xf32>, tensor<128x64xf32>
    %27 = llm.swiglu %25, %26 : tensor<1x?x128xf32>
    %28 = llm.linear %27, %model.layers.0.mlp.down_proj.weight : tensor<1x?x128xf32>, tensor<64x128xf32>
    %29 = llm.add %23, %28 : tensor<1x?x64xf32>
    %30 = llm.rms_norm %29, %model.layers.1.input_layernorm.weight epsilon(9.9999999999999995E-7) : tensor<1x?x64xf32>, tensor<64xf32>
    %31 = llm.linear %30, %model.layers.1.self_attn.q_a_proj.weight : tensor<1x?x64xf32>, tensor<32x64xf32>
    %32 = llm.rms_norm %31, %model.layers.1.self_attn.q_a_layernorm.weight epsilon(9.9999999999999995E-7) : tensor<1x?x32xf32>, tensor<32xf32>
    %33 = llm.linear %32, %model.layers.1.self_attn.q_b_proj.weight : tensor<1x?x32xf32>, tensor<96x32xf32>
    %34 = llm.reshape %33 : tensor<1x?x96xf32> to tensor<1x?x4x24xf32>
    %35 = llm.transpose %34 [0, 2, 1, 3] : tensor<1x?x4x24xf32>
    %36 = llm.slice %35 dims [3] starts [0] limits [16] : tensor<1x4x?x24xf32> to tensor<1x4x?x16xf32>
    %37 = llm.slice %35 dims [3] starts [16] limits [24] : tensor<1x4x?x24xf32> to tensor<1x4x?x8xf32>
    %38 = llm.rope <interleaved> %37, %arg1 theta(1.000000e+04) {yarn = #llm.yarn<factor = 4.000000e+00, original_max_position = 64, beta_fast = 3.200000e+01, beta_slow = 1.000000e+00, mscale = 7.070000e-01, mscale_all_dim = 7.070000e-01>} : tensor<1x4x?x8xf32>, tensor<1x?xi64>
    %39 = llm.linear %30, %model.layers.1.self_attn.kv_a_proj_with_mqa.weight : tensor<1x?x64xf32>, tensor<40x64xf32>
    %40 = llm.slice %39 dims [2] starts [0] limits [32] : tensor<1x?x40xf32> to tensor<1x?x32xf32>
    %41 = llm.rms_norm %40, %model.layers.1.self_attn.kv_a_layernorm.weight epsilon(9.9999999999999995E-7) : tensor<1x?x32xf32>, tensor<32xf32>
    %42 = llm.slice %39 dims [2] starts [32] limits [40] : tensor<1x?x40xf32> to tensor<1x?x8xf32>
    %43 = llm.reshape %42 : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
    %44 = llm.rope <interleaved> %43, %arg1 theta(1.000000e+04) {yarn = #llm.yarn<factor = 4.000000e+00, original_max_position = 64, beta_fast = 3.200000e+01, beta_slow = 1.000000e+00, mscale = 7.070000e-01, mscale_all_dim = 7.070000e-01>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
    %45 = llm.reshape %41 : tensor<1x?x32xf32> to tensor<1x1x?x32xf32>
    %46 = llm.kv_append %arg4, %45 : tensor<1x1x?x32xf32>, tensor<1x1x?x32xf32>
    %47 = llm.kv_append %arg5, %44 : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %48 = llm.mla_attention %36, %38, %46, %47, %model.layers.1.self_attn.kv_b_proj.weight scale(0.24609782191507457) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
    %49 = llm.transpose %48 [0, 2, 1, 3] : tensor<1x4x?x12xf32>
    %50 = llm.reshape %49 : tensor<1x?x4x12xf32> to tensor<1x?x48xf32>
    %51 = llm.linear %50, %model.layers.1.self_attn.o_proj.weight : tensor<1x?x48xf32>, tensor<64x48xf32>
    %52 = llm.add %29, %51 : tensor<1x?x64xf32>
    %53 = llm.rms_norm %52, %model.layers.1.post_attention_layernorm.weight epsilon(9.9999999999999995E-7) : tensor<1x?x64xf32>, tensor<64xf32>
    %54 = llm.linear %53, %model.layers.1.mlp.gate_proj.weight : tensor<1x?x64xf32>, tensor<128x64xf32>
    %55 = llm.linear %53, %model.layers.1.mlp.up_proj.weight : tensor<1x?x64xf32>, tensor<128x64xf32>
    %56 = llm.swiglu %54, %55 : tensor<1x?x128xf32>
    %57 = llm.linear %56, %model.layers.1.mlp.down_proj.weight : tensor<1x?x128xf32>, tensor<64x128xf32>
    %58 = llm.add %52, %57 : tensor<1x?x64xf32>
    %59 = llm.rms_norm %58, %model.norm.weight epsilon(9.9999999999999995E-7) : tensor<1x?x64xf32>, tensor<64xf32>
    %60 = llm.linear %59, %lm_head.weight : tensor<1x?x64xf32>, tensor<512x64xf32>
    return %60, %17, %18, %46, %47 : tensor<1x?x512xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>
  }
}

