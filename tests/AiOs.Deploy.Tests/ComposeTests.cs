using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace AiOs.Deploy.Tests;

/// <summary>deploy/docker-compose.yml (no Docker engine runs here, so its text is what can be checked).</summary>
public sealed class ComposeTests
{
    [Fact]
    public void ApiInClear_IsPublishedOnTheHostsLoopbackOnly()
    {
        var silos = Silos();
        Assert.Equal(3, silos.Count);
        foreach (var (name, silo) in silos)
        {
            var environment = Manifests.Map(silo, "environment");
            Assert.Equal("0.0.0.0", (string)environment["AiOs__Api__Address"]);
            Assert.Equal("true", (string)environment["AiOs__Api__AllowInsecureRemote"]);
            var api = Manifests.List(silo, "ports").Cast<string>().Where(p => p.EndsWith(":5171", StringComparison.Ordinal)).ToList();
            Assert.True(api.Count == 1, $"{name} publishes the API port once");
            Assert.StartsWith("127.0.0.1:", api[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Secrets_ComeFromFiles_NeverLiterals()
    {
        foreach (var (name, silo) in Silos())
        {
            foreach (var key in Manifests.Map(silo, "environment").Keys.Cast<string>())
            {
                var secret = key.EndsWith("Secret", StringComparison.Ordinal) || key.EndsWith("Password", StringComparison.Ordinal)
                    || key.EndsWith("ApiKey", StringComparison.Ordinal) || key == "PGPASSWORD";
                Assert.False(secret, $"{name} sets {key} as a literal; give it as {key}_FILE");
            }

            Assert.DoesNotContain("Password=", (string)Manifests.Map(silo, "environment")["AiOs__Storage__PostgreSql__ConnectionString"], StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The silo services, with the file's YAML merge keys (the shared x-silo block) applied.</summary>
    private static Dictionary<string, Dictionary<object, object>> Silos()
    {
        var text = File.ReadAllText(Path.Combine(Manifests.RepositoryRoot, "deploy", "docker-compose.yml"));
        var compose = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(new StringReader(text))));
        return Manifests.Map(compose, "services")
            .Where(s => ((string)s.Key).StartsWith("silo", StringComparison.Ordinal))
            .ToDictionary(s => (string)s.Key, s => (Dictionary<object, object>)s.Value);
    }
}
