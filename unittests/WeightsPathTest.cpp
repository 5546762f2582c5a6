//===- WeightsPathTest.cpp - rebasing the weights path --------------------===//
#include "llmc/Support/WeightsPath.h"

#include <gtest/gtest.h>

using llmc::rebasePath;

namespace {

TEST(RebasePath, SameDirectoryKeepsThePath) {
  EXPECT_EQ(rebasePath("w/model.safetensors", "/a/models", "/a/models"),
            "w/model.safetensors");
}

TEST(RebasePath, SiblingDirectory) {
  EXPECT_EQ(rebasePath("w/model.safetensors", "/a/models", "/a/build/out"),
            "../../models/w/model.safetensors");
}

TEST(RebasePath, ParentComponents) {
  // /a/models/x/../w.safetensors seen from /a.
  EXPECT_EQ(rebasePath("../w.safetensors", "/a/models/x", "/a"),
            "models/w.safetensors");
}

TEST(RebasePath, AbsoluteStaysAbsolute) {
  EXPECT_EQ(rebasePath("/data/w.safetensors", "/a", "/b"),
            "/data/w.safetensors");
}

TEST(RebasePath, DotComponentsAreIgnored) {
  EXPECT_EQ(rebasePath("./w.safetensors", "/a/./models/", "/a/models/../models"),
            "w.safetensors");
}

} // namespace
