namespace AiOs.CodeGenerator.Tests;

[Trait("Category", "Unit")]
public sealed class GrainInterfaceGeneratorTests
{
    [Fact]
    public void SupportedSignatures_GenerateCodeThatCompilesWithoutWarnings()
    {
        var (generator, compilation, sources) = GeneratorHarness.Run("""
            #nullable enable
            using System.Threading.Tasks;
            using AiOs;
            namespace Shop;
            public interface IBase : IGrainWithStringKey { Task<int> Count(); }
            public interface ICart : IBase
            {
                Task Add(string sku, int quantity);
                Task<string?> Find(string? sku);
                ValueTask Clear();
                ValueTask<(int Items, decimal Total)> Totals();
                [ReadOnly] Task<System.Collections.Generic.IReadOnlyList<string>> Skus();
                [AlwaysInterleave] Task Ping(ICart other);
            }
            public interface IByGuid : IGrainWithGuidKey { Task<System.Guid> Id(); }
            """);

        Assert.Empty(generator);
        Assert.Empty(compilation);
        var cart = Assert.Single(sources, s => s.Contains("class Proxy_Shop_ICart", StringComparison.Ordinal));
        Assert.Contains("Task<int> global::Shop.IBase.Count()", cart, StringComparison.Ordinal);
        Assert.Contains("\"Shop.ICart.Add(System.String,System.Int32)\"", cart, StringComparison.Ordinal);
        Assert.Contains("\"Shop.IBase.Count()\"", cart, StringComparison.Ordinal);
        Assert.Contains("GrainMethodOptions.ReadOnly", cart, StringComparison.Ordinal);
        Assert.Contains("GrainMethodOptions.AlwaysInterleave", cart, StringComparison.Ordinal);
        Assert.Contains(sources, s => s.Contains("[assembly: global::AiOs.Invocation.GrainProxyProvider", StringComparison.Ordinal));
    }

    [Fact]
    public void ParametersNamedLikeTheProxysOwnLocals_StillCompile()
    {
        var (generator, compilation, _) = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using AiOs;
            namespace Shop;
            public interface IDesk : IGrainWithStringKey
            {
                Task<string> Submit(string request);
                Task Both(string request, int _request);
            }
            """);

        Assert.Empty(generator);
        Assert.Empty(compilation);
    }

    [Theory]
    [InlineData("int Count();", "AIOS001", "must return Task, Task<T>, ValueTask or ValueTask<T>")]
    [InlineData("void Fire();", "AIOS001", "returns void")]
    [InlineData("Task<T> Get<T>();", "AIOS002", "is generic")]
    [InlineData("Task Take(ref int value);", "AIOS003", "passed by reference")]
    [InlineData("Task Take(out int value);", "AIOS003", "passed by reference")]
    [InlineData("int Size { get; }", "AIOS006", "only methods")]
    public void UnsupportedMember_IsACompileErrorOnThatMember_NamingTheProblem(string member, string id, string message)
    {
        var (generator, _, sources) = GeneratorHarness.Run($$"""
            using System.Threading.Tasks;
            using AiOs;
            namespace Shop;
            public interface IBad : IGrainWithStringKey
            {
                {{member}}
            }
            """);

        var error = Assert.Single(generator);
        Assert.Equal(id, error.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(message, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(6, error.Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.DoesNotContain(sources, s => s.Contains("Proxy_Shop_IBad", StringComparison.Ordinal));
    }

    [Fact]
    public void GenericGrainInterface_IsRefused()
    {
        var (generator, _, _) = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using AiOs;
            public interface IBox<T> : IGrainWithStringKey { Task<T> Get(); }
            """);

        Assert.Equal("AIOS004", Assert.Single(generator).Id);
    }

    [Fact]
    public void PrivateNestedGrainInterface_IsRefused()
    {
        var (generator, _, _) = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using AiOs;
            public class Outer { private interface IHidden : IGrainWithStringKey { Task Ping(); } }
            """);

        Assert.Equal("AIOS005", Assert.Single(generator).Id);
    }

    [Fact]
    public void InterfacesThatAreNotGrains_AreLeftAlone()
    {
        var (generator, compilation, sources) = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            public interface IPlain : System.IDisposable { int Count(); }
            """);

        Assert.Empty(generator);
        Assert.Empty(compilation);
        Assert.Empty(sources);
    }
}
