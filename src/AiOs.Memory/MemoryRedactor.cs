using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AiOs.Memory;

/// <summary>Replaces personal data in text with a marker that names what was there (<c>[email]</c>, <c>[phone]</c>, ...),
/// by configurable patterns.</summary>
public sealed class MemoryRedactor
{
    /// <summary>The built-in patterns: e-mail addresses, card numbers (13 to 19 digits, spaces or dashes between),
    /// IBANs, and phone numbers (a + or a digit, then at least 7 more digits with spaces, dots, dashes or brackets).</summary>
    public static IReadOnlyDictionary<string, string> DefaultPatterns { get; } = new Dictionary<string, string>
    {
        ["email"] = @"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}",
        ["iban"] = @"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b",
        ["card"] = @"\b\d(?:[ -]?\d){12,18}\b",
        ["phone"] = @"(?<![\w])\+?\d[\d ().-]{6,}\d\b",
    };

    private readonly (string Name, Regex Pattern)[] _patterns;

    public MemoryRedactor(IOptions<MemoryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Enabled = options.Value.Redact;
        var patterns = options.Value.RedactionPatterns is { Count: > 0 } configured ? configured : DefaultPatterns;
        _patterns = [.. patterns.Select(p => (p.Key, new Regex(p.Value, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))))];
    }

    public bool Enabled { get; }

    /// <summary>The text with every match replaced, in pattern order; unchanged when redaction is off.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Enabled)
        {
            return text;
        }

        foreach (var (name, pattern) in _patterns)
        {
            text = pattern.Replace(text, $"[{name}]");
        }

        return text;
    }
}
