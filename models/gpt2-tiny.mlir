module attributes {llm.weights = "gpt2-tiny/model.safetensors"} {
  func.func @forward(%arg0: tensor<1x?xi64>, %arg1: tensor<1x?xi64>, %arg2: tensor<1x4x?x16xf32>, %arg3: tensor<1x4x?x16xf32>, %arg4: tensor<1x4x?x16xf32>, %arg5: tensor<1x4x?x16xf32>) -> (tensor<1x?x512xf32>, tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>) {
    %transformer.wte.weight = llm.weight "transformer.wte.weight" : tensor<512x64xf32>
    %transformer.wpe.weight = llm.weight "transformer.wpe.weight" : tensor<128x64xf32>
    %transformer.h.0.ln_1.weight = llm.weight "transformer.h.0.ln_1.weight" : tensor<64xf32>
    %transformer.h.0.ln_1.bias = llm.weight "transformer.h.0.ln_1.bias" : tensor<64xf32>
    %transformer.h.0.attn.c_attn.weight = llm.weight "transformer.h.0.attn.c_attn.weight" : tensor<64x192xf32>
    %transformer.h.0.attn.c_attn.bias = llm.weight "transformer.h.0.attn.c_attn.bias" : tensor<192xf32>
    %transformer.h.0.attn.c_proj.weight = llm.weight "transformer.h.0.attn.c_proj.weight" : tensor<64x64xf32>
    %transformer.h.0.attn.c_proj.bias = llm.weight "transformer.h.0.attn.c_proj.bias" : tensor<64xf32>
    %transformer.h.0.ln_2.weight = llm.weight "transformer.h.0.ln_2.weight" : tensor<64xf32>
    %transformer.h.0.ln_2.bias = llm.weight "transformer.h.0.ln_2.bias" : tensor<64xf32>
    %transformer.h.0.mlp.c_fc.weight = llm.weight "transformer.h.0.mlp.c_fc.weight" : tensor<64x256xf32>
    %transformer.h.0.mlp.c_fc.bias = llm.weight "transformer.h.0.mlp.c_fc.bias" : tensor<256xf32>
    %transformer.h.0.mlp.c_proj.weight = llm.weight "transformer.h.0.mlp.c_proj.weight" : tensor<256x64xf32>
    %transformer.h.0.mlp.c_proj.bias = llm.weight "transformer.h.0.mlp.c_proj.bias" : tensor<64xf32>
    %transformer.h.1.ln_1.weight = llm.weight "transformer.h.1.ln_1.weight" : tensor<64xf32>
    %transformer.h.1.ln_1.bias = llm.weight "transformer.h.1.ln_1.bias" : tensor<64xf32>
    %transformer.h.1.attn.c_attn.weight = llm.weight "transformer.h.1.attn.c_attn.weight" : tensor<64x192xf32>
    %transformer.h.1.attn.c_attn.bias = llm.weight "transformer.h.1.attn.c_attn.bias" : tensor<192xf32>
    %transformer.h.1.attn.c_proj.weight = llm.weight "transformer.h.1.attn.c_proj.weight" : tensor<64x64xf32>
    %transformer.h.1.attn.c_proj.bias = llm.weight "transformer.h.1.attn.c_proj.bias" : tensor<64xf32>
    %transformer.h.1.ln_2.weight = llm.weight "transformer.h.1.ln_2.weight" : tensor<64xf32>
    %transformer.h.1.ln_2.bias = llm.weight "transformer.h.1.ln_2.bias" : tensor<64xf32>
    %transformer.h.1.mlp.c_fc.weight = llm.weight "transformer.h.1.mlp.c_fc.weight" : tensor<64x256xf32>
    %transformer.h.1.mlp.c_fc.bias = llm.weight "transformer.h.1.mlp.c_fc.bias" : tensor<256xf32>
    %transformer.h.1.mlp.c_proj.weight = llm.weight "transformer.h.1.mlp.c_proj.weight" : tensor<256x64xf32>
    %transformer.h.1.mlp.c_proj.bias = llm.weight "transformer.h.1.mlp.c_proj.bias" : tensor<64xf32>
    %transformer.ln_f.weight = llm.weight "transformer.ln_f.weight" : tensor<64xf32>
    %transformer.ln_f.bias = llm.weight "transformer.ln_f.bias" : tensor<64xf32>
    %0 = llm.embedding %transformer.wte.weight[%arg0] : tensor<512x64xf32>, tensor<1x?xi64>
    %1 = llm.embedding %transformer.wpe.weight[%arg1] : tensor<128x64xf32>, tensor<1x?xi64>
    %2 = llm.add %0, %1 : tensor<1x?x64xf32>
    %3 = llm.layer_norm %2, %transformer.h.0.ln_1.weight, %transformer.h.0.ln_1.bias epsilon(1.000000e-05) : tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xf32>
    %4 = llm.linear %3, %transformer.h.0.attn.c_attn.weight, %transformer.h.0.attn.c_attn.bias {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<64x192xf32>, tensor<192xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [64] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
    %6 = llm.reshape %5 : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
    %7 = llm.transpose %6 [0, 2, 1, 3] : tensor<1x?x4x16xf32>
    %8 = llm.slice %4 dims [2] starts [64] limits [128] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
    %9 = llm.reshape %8 : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
    %10 = llm.transpose %9 [0, 2, 1, 3] : tensor<1x?x4x16xf32>
    %11 = llm.slice %4 dims [2] starts [128] limits [192] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
    %12 = llm.reshape %11 : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
    %13 = llm.transpose %12 [0, 2, 1, 3] : tensor<1x?x4x16xf32>
    %14 = llm.kv_append %arg2, %10 : tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>
    %15 = llm.kv_append %arg3, %13 : tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>
    %16 = llm.attention %7, %14, %15 scale(2.500000e-01) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>
    %17 = llm.transpose %16 [0, 2, 1, 3] : tensor<1x4x?x16xf32>
    %18 = llm.reshape %17 : tensor<1x?x4x16xf32> to tensor<1x?x64xf32>
    %19 = llm.linear %18, %transformer.h.0.attn.c_proj.weight, %transformer.h.0.attn.c_proj.bias {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<64x64xf32>, tensor<64xf32>
    %20 = llm.add %2, %19 : tensor<1x?x64xf32>
    %21 = llm.layer_norm %20, %transformer.h.0.ln_2.weight, %transformer.h.0.ln_2.bias epsilon(1.000000e-05) : tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xf32>
    %22 = llm.linear %21, %transformer.h.0.mlp.c_fc.weight, %transformer.h.0.mlp.c_fc.bias {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<64x256xf32>, tensor<256xf32>
    %23 = llm.gelu <tanh> %22 : tensor<1x?x256xf32>
    %24 = llm.linear %23, %transformer.h.0.mlp.c_proj.weight, %transformer.h.0.mlp.c_proj.bias {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x256xf32>, tensor<256x64xf32>, tensor<64xf32>
    %25 = llm.add %20, %24 : tensor<1x?x64xf32>
    %26 = llm.layer_norm %25, %transformer.h.1.ln_1.weight, %transformer.h.1.ln_1.bias epsilon(1.000000e-05) : tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xf32>
    %27 = llm.linear %26, %transformer.h.1.attn.c_attn.weight, %transformer.h.1.attn.c_attn.bias {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<64x192xf32>, tensor<192xf32>
    %28 = llm.slice %27 dims [2] starts [0] limits [64] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
    %29 = llm.reshape %28 : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
    %30 = llm.transpose %29 [0, 2, 1, 3] : tensor<1x?x4x16xf32>
    %31 = llm.slice %27 dims [2] starts [64] limits [128] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
    %32 = llm.reshape %31 : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
    %33 = llm.transpose %32 [0, 2, 1, 3] : tensor<1x?x4x16xf32>
    %34 = llm.slice %27 dims [2] starts [128] limits [192] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
    %35 = llm.reshape %34 : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
    %36 = llm.transpose %35 [0, 2, 1, 3] : tensor<1x?x4x16xf32>
    %37 = llm.kv_append %arg4, %33 : tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>
    %38 = llm.kv_append %arg5, %36 : tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>
    %39 = llm.attention %30, %37, %38 scale(2.500000e-01) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>
    %40 = llm.transpose %39 [0, 2, 1, 3] : tensor<1x4x?x16xf32>
    %41 = llm.reshape %40 : tensor<1x?x4x16xf32> to tensor<1x?x64xf32>
    %42 = llm.linear %41, %transformer.h.1.attn.c_proj.weight, %transformer.h.1.attn.c_proj.bias {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<64x64xf32>, tensor<64xf32>
    %43 = llm.add %25, %42 : tensor<1x?x64xf32>
    %44 = llm.layer_norm %43, %transformer.h.1.ln_2.weight, %transformer.h.1.ln_2.bias epsilon(1.000000e-05) : tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xf32>
    %45 = llm.linear %44, %transformer.h.1.mlp.c_fc.weight, %transformer.h.1.mlp.c_fc.bias {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<64x256xf32>, tensor<256xf32>
    %46 = llm.gelu <tanh> %45 : tensor<1x?x256xf32>
    %47 = llm.linear %46, %transformer.h.1.mlp.c_proj.weight, %transformer.h.1.mlp.c_proj.bias {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x256xf32>, tensor<256x64xf32>, tensor<64xf32>
    %48 = llm.add %43, %47 : tensor<1x?x64xf32>
    %49 = llm.layer_norm %48, %transformer.ln_f.weight, %transformer.ln_f.bias epsilon(1.000000e-05) : tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xf32>
    %50 = llm.linear %49, %transformer.wte.weight : tensor<1x?x64xf32>, tensor<512x64xf32>
    return %50, %14, %15, %37, %38 : tensor<1x?x512xf32>, tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>
  }
}

