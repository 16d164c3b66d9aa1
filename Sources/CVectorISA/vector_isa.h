/* The vector instruction set the compiler targets, as a constant Swift can read.
 * Swift has no #if for CPU features; the Clang importer sees the same -march
 * flags as the Swift code (Package.swift passes them with -Xcc), so this
 * header tells Tensor which register tiles the build can use. */
#ifndef AINB_VECTOR_ISA_H
#define AINB_VECTOR_ISA_H

/* 0: portable (no wide vectors), 1: NEON, 2: AVX2 + FMA, 3: AVX-512. */
#if defined(__AVX512F__)
#define AINB_ISA 3
#elif defined(__AVX2__) && defined(__FMA__)
#define AINB_ISA 2
#elif defined(__ARM_NEON) || defined(__ARM_NEON__) || defined(__aarch64__)
#define AINB_ISA 1
#else
#define AINB_ISA 0
#endif

/* A function rather than the bare macro, so Swift's switch over it is folded by
 * the optimizer without "will never be executed" warnings. */
static inline int ainb_vector_isa(void) { return AINB_ISA; }

#endif
