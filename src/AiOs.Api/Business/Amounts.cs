namespace AiOs.Api.Business;

/// <summary>Checks of money fields.</summary>
internal static class Amounts
{
    /// <summary>(currency, micros) of an amount, or (null, null) when none was given.</summary>
    public static (string? Currency, long? Micros) Check(string field, V1.Money? money)
    {
        if (money is null)
        {
            return (null, null);
        }

        var currency = Currency(field, money);
        return money.Micros < 0 ? throw Fields.Invalid($"{field}.micros", "must not be negative") : (currency, money.Micros);
    }

    private static string Currency(string field, V1.Money money) =>
        money.Currency is { Length: 3 } currency && currency.All(char.IsAsciiLetterUpper)
            ? currency
            : throw Fields.Invalid($"{field}.currency", $"'{money.Currency}' is not an ISO 4217 code such as EUR");

    // The most a goal's budget may be: the coordinator refuses more (1,000,000,000 units of the currency).
    private const long MaxGoalBudgetMicros = 1_000_000_000L * 1_000_000L;

    /// <summary>A goal's budget, for a submitted goal and for the goal of a schedule alike: more than 0, at most what the
    /// coordinator takes, and in the price table's currency (<paramref name="currency"/>, <c>AiOs:Models:Currency</c>; an
    /// empty currency means that one), because spend is counted in that currency and never converted. (null, null) when
    /// none was given.</summary>
    public static (string? Currency, long? Micros) GoalBudget(string field, V1.Money? money, string currency)
    {
        if (money is null)
        {
            return (null, null);
        }

        if (money.Currency.Length > 0)
        {
            if (!string.Equals(Currency(field, money), currency, StringComparison.Ordinal))
            {
                throw Fields.Invalid($"{field}.currency", $"budgets are in {currency} (AiOs:Models:Currency), not {money.Currency}");
            }
        }

        return money.Micros switch
        {
            <= 0 => throw Fields.Invalid($"{field}.micros", "must be more than 0"),
            > MaxGoalBudgetMicros => throw Fields.Invalid($"{field}.micros", $"must be at most {MaxGoalBudgetMicros} (1,000,000,000 {currency})"),
            _ => (currency, money.Micros),
        };
    }
}
