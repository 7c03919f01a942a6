/**
 * The values of the Chinese digit characters (零〇 0, 一 1, 二两 2 … 九 9), shared by the
 * redactor's number reading and the wrap-up's reading of amounts and dates. Spoken phone and card
 * numbers also say 幺 for one; readers of spoken digits add it (`SPOKEN_ONE`).
 */
export const CHINESE_DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 幺: "one" when digits are read out one by one (a phone number, a card). */
export const SPOKEN_ONE: Readonly<Record<string, number>> = { 幺: 1 };
