// Mutation points for model-based testing (docs/model-testing.md, "Mutants").
//
// A test-only build of the addon (native/test_support/mutants.cmake, never shipped) defines exactly
// one ZB_MUTANT_<NAME>=1 and ZB_MUTANT_NAME="<name>"; the shipped addon defines none, so every
// ZB_MUTANT(...) below is the constant false and the branch it guards is discarded at compile time.
// A mutation point reads
//   if constexpr (ZB_MUTANT(WRAP_UNDERFLOW)) {  // MUTANT wrap-underflow: what it breaks
//     ...the deliberate bug...
//   }
// A name not listed here does not compile.
#pragma once

#ifndef ZB_MUTANT_WRAP_UNDERFLOW
#define ZB_MUTANT_WRAP_UNDERFLOW 0
#endif
#ifndef ZB_MUTANT_SHORT_TAIL
#define ZB_MUTANT_SHORT_TAIL 0
#endif
#ifndef ZB_MUTANT_RELEASE_ORDER
#define ZB_MUTANT_RELEASE_ORDER 0
#endif
#ifndef ZB_MUTANT_LOST_WAKEUP
#define ZB_MUTANT_LOST_WAKEUP 0
#endif
#ifndef ZB_MUTANT_TAIL_LEAK
#define ZB_MUTANT_TAIL_LEAK 0
#endif

#define ZB_MUTANT(name) (ZB_MUTANT_##name != 0)

#define ZB_MUTANTS_ENABLED \
  (ZB_MUTANT_WRAP_UNDERFLOW + ZB_MUTANT_SHORT_TAIL + ZB_MUTANT_RELEASE_ORDER + ZB_MUTANT_LOST_WAKEUP + ZB_MUTANT_TAIL_LEAK)

#if ZB_MUTANTS_ENABLED > 1
#error "a mutant build enables exactly one mutant"
#endif

#if ZB_MUTANTS_ENABLED > 0
#ifndef ZB_MUTANT_NAME
#error "a mutant build also defines ZB_MUTANT_NAME (native/test_support/mutants.cmake)"
#endif
// Every object compiled with a mutant carries these bytes, so a test can tell a mutant binary from
// the real addon by its content: the shipped zerobuffer.node must not contain "zerobuffer-mutant:".
[[gnu::used]] static const char kZbMutantTag[] = "zerobuffer-mutant:" ZB_MUTANT_NAME;
#endif
