//===- Schema.h - the artifact's generated FlatBuffers classes --*- C++ -*-===//
//
// flatc's C++ for schema/npub.fbs (generated at build time), included here
// once so that the warnings of generated code stay out of every includer.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_RUNTIME_SCHEMA_H
#define LLMC_TARGETS_NPU_RUNTIME_SCHEMA_H

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wcovered-switch-default"
#endif
#include "npub_generated.h"
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#endif // LLMC_TARGETS_NPU_RUNTIME_SCHEMA_H
