package dev.referee.cdr;

/**
 * Days since 1970-01-01 to a proleptic Gregorian date, written as {@code YYYY-MM-DD}, with integer arithmetic only.
 * The calendar repeats every 400 years (146,097 days); inside an era, counting years from March 1st puts the leap
 * day at the end of the year, so the month follows from the day of that year by a linear formula.
 */
final class CivilDate
{
    private static final long DAYS_PER_ERA = 146_097L;
    private static final long DAYS_FROM_0000_03_01_TO_1970_01_01 = 719_468L;

    private CivilDate()
    {
    }

    /** Appends the date of {@code epochDay} as {@code YYYY-MM-DD}. */
    static StringBuilder append(final StringBuilder out, final long epochDay)
    {
        final long days = epochDay + DAYS_FROM_0000_03_01_TO_1970_01_01;
        final long era = Math.floorDiv(days, DAYS_PER_ERA);
        final long dayOfEra = days - era * DAYS_PER_ERA;                                    // 0..146096
        final long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365; // 0..399
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // 0..365, from Mar 1
        final long monthFromMarch = (5 * dayOfYear + 2) / 153;                             // 0..11, March = 0
        final int day = (int)(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
        final int month = (int)(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
        final int year = (int)(yearOfEra + era * 400 + (month <= 2 ? 1 : 0));

        out.append((char)('0' + year / 1000 % 10)).append((char)('0' + year / 100 % 10));
        WallClockMapping.twoDigits(out, year % 100).append('-');
        WallClockMapping.twoDigits(out, month).append('-');
        return WallClockMapping.twoDigits(out, day);
    }
}
