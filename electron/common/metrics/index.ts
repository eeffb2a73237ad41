// Word counts and the length score: the writer's count the app shows, and the LongBench-Write count
// used for evaluation (LongBench-Write's own count: THUDM/LongWriter, evaluation/eval_length.py; see words.ts).
export { continueWriterCount, countAppendedWords, countLongBenchWords, countWords, countWriterWords, endsInCountedWord, type CountStyle } from "./words";
export { lengthBucket, lengthScore, meanLengthScore, type LengthBucket } from "./score";
export { detectLanguage, type Language } from "./language";
export { isTrimSpace } from "./chars";
export { dimensionLabel, dimensionScore, parseJudgeAnswer, QUALITY_DIMENSIONS, qualityScore, totalScore, type DimensionScores, type JudgeAnswer, type QualityDimension, type QualityScore } from "./quality";
