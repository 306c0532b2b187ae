using AiOs.Persistence.Memory;

namespace AiOs.Memory.Tests;

public sealed class MemoryOptionsTests
{
    [Theory]
    [InlineData("forever", null, null)]
    [InlineData("days:30", 30, null)]
    [InlineData("last:5", null, 5)]
    public void Retention_Parses(string text, int? days, int? last)
    {
        var policy = RetentionPolicy.Parse(text)!;
        Assert.Equal(days is null ? null : TimeSpan.FromDays(days.Value), policy.MaxAge);
        Assert.Equal(last, policy.KeepLast);
    }

    [Theory]
    [InlineData("")]
    [InlineData("days")]
    [InlineData("days:0")]
    [InlineData("days:-3")]
    [InlineData("weeks:2")]
    [InlineData("last:two")]
    public void Retention_Malformed_IsNull(string text) => Assert.Null(RetentionPolicy.Parse(text));

    [Fact]
    public void Validator_NamesEveryBadSetting()
    {
        var options = new MemoryOptions { WorkingSetLimit = 0, Candidates = 0, CompactionBatch = 1, MaintenancePeriod = TimeSpan.Zero };
        options.Retention[MemoryKind.Interaction] = "weekly";
        options.RedactionPatterns["broken"] = "(";

        var result = new MemoryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var setting in new[] { "WorkingSetLimit", "Candidates", "CompactionBatch", "MaintenancePeriod", "Retention:Interaction", "RedactionPatterns:broken" })
        {
            Assert.Contains($"AiOs:Memory:{setting}", result.FailureMessage, StringComparison.Ordinal);
        }

        Assert.True(new MemoryOptionsValidator().Validate(null, new MemoryOptions()).Succeeded);
    }

    [Fact]
    public void Embedding_IsDeterministicUnitLength_AndCloserForRelatedText()
    {
        var generator = new HashedNGramEmbeddingGenerator();
        var a = generator.Embed("quarterly invoice");
        var b = new HashedNGramEmbeddingGenerator().Embed("quarterly invoice");
        var related = generator.Embed("invoices for the quarter");
        var unrelated = generator.Embed("lunch with Sam on Friday");

        Assert.Equal(a, b);
        Assert.Equal(1, Math.Sqrt(a.Sum(v => v * v)), 3);
        Assert.True(Dot(a, related) > Dot(a, unrelated) + 0.2, $"{Dot(a, related)} vs {Dot(a, unrelated)}");
    }

    [Theory]
    [InlineData("customer/acme", MemoryScopeKind.Customer, "acme")]
    [InlineData("customer/a/b", MemoryScopeKind.Customer, "a/b")]
    [InlineData("role/writer", MemoryScopeKind.Role, "writer")]
    [InlineData("business", MemoryScopeKind.Business, "")]
    public void ScopeGrainKeys_RoundTrip(string key, MemoryScopeKind kind, string id)
    {
        var scope = MemoryScopeGrain.ScopeOf(key);
        Assert.Equal(new MemoryScope(kind, id), scope);
        Assert.Equal(key, MemoryScopeGrain.KeyOf(scope));
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
