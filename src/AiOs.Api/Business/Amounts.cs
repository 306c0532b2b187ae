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

        if (money.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
        {
            throw Fields.Invalid($"{field}.currency", $"'{money.Currency}' is not an ISO 4217 code such as EUR");
        }

        return money.Micros < 0 ? throw Fields.Invalid($"{field}.micros", "must not be negative") : (currency, money.Micros);
    }
}
