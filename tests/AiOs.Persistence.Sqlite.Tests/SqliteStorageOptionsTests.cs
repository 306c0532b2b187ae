using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiOs.Persistence.Sqlite.Tests;

[Trait("Category", "Unit")]
public sealed class SqliteStorageOptionsTests
{
    [Fact]
    public void Validate_MissingDataDirectory_NamesTheSetting()
    {
        var failures = SqliteStorageOptionsValidator.Describe(new SqliteStorageOptions());

        Assert.Contains(failures, f => f.StartsWith("AiOs:Storage:Sqlite:DataDirectory is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sub/aios.db")]
    [InlineData("")]
    [InlineData("..")]
    public void Validate_FileNameThatIsNotAPlainName_NamesTheSetting(string fileName)
    {
        var failures = SqliteStorageOptionsValidator.Describe(new SqliteStorageOptions { DataDirectory = "/tmp/x", FileName = fileName });

        Assert.Contains(failures, f => f.StartsWith("AiOs:Storage:Sqlite:FileName", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3600)]
    public void Validate_BusyTimeoutOutOfRange_NamesTheSetting(int seconds)
    {
        var failures = SqliteStorageOptionsValidator.Describe(new SqliteStorageOptions { DataDirectory = "/tmp/x", BusyTimeout = TimeSpan.FromSeconds(seconds) });

        Assert.Contains(failures, f => f.StartsWith("AiOs:Storage:Sqlite:BusyTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DataDirectoryAndDefaults_Succeeds()
    {
        Assert.Empty(SqliteStorageOptionsValidator.Describe(new SqliteStorageOptions { DataDirectory = "/tmp/x" }));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteStorageProvider(new SqliteStorageOptions()));

        Assert.Contains("AiOs:Storage:Sqlite:DataDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAiOsSqliteStorage_RegistersOneProviderForAllThreeContracts()
    {
        var services = new ServiceCollection().AddAiOsSqliteStorage(o => o.DataDirectory = "/tmp/aios-unit-test-not-created");
        using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredService<SqliteStorageProvider>();

        Assert.Same(storage, provider.GetRequiredService<IStorageProvider>());
        Assert.Same(storage, provider.GetRequiredService<IGrainStateStore>());
        Assert.Same(storage, provider.GetRequiredService<IReminderTable>());
        Assert.False(Directory.Exists("/tmp/aios-unit-test-not-created"), "resolving the provider must not touch the disk");
    }

    [Fact]
    public void AddAiOsSqliteStorage_InvalidOptions_FailStartupValidationNamingTheSetting()
    {
        var services = new ServiceCollection().AddAiOsSqliteStorage();
        using var provider = services.BuildServiceProvider();

        // What the host runs at start because of ValidateOnStart().
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("AiOs:Storage:Sqlite:DataDirectory is required", error.Message, StringComparison.Ordinal);
    }
}
