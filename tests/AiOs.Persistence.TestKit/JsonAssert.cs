using System.Text.Json.Nodes;

namespace AiOs.Persistence.TestKit;

/// <summary>Compares JSON by meaning: PostgreSQL's jsonb normalizes whitespace and key order, so text equality would
/// test the database's formatting rather than the round trip.</summary>
public static class JsonAssert
{
    public static void Equivalent(string expected, string? actual)
    {
        Assert.NotNull(actual);
        var same = JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));
        Assert.True(same, $"JSON differs.\nExpected: {expected}\nActual:   {actual}");
    }
}
