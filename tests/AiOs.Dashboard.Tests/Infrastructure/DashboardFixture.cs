using AiOs.Testing;
using Microsoft.Playwright;

namespace AiOs.Dashboard.Tests.Infrastructure;

/// <summary>One silo on PostgreSQL and one headless Debian chromium for the whole test assembly (starting them is most of
/// the cost), with an operator key and a read-only key.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> _pageErrors = [];
    private IPlaywright? _playwright;

    public WebhookReceiver Webhook { get; } = new();

    public DashboardSilo Silo { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string OperatorKey { get; private set; } = "";

    public string ReadOnlyKey { get; private set; } = "";

    public PostgresDatabase Database => _database;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        Silo = await DashboardSilo.StartAsync(_database.ConnectionString, _database.Schema, "dash", "dashboard-test-cluster-secret", Webhook.Url);
        OperatorKey = Silo.InitialOperatorKey ?? throw new InvalidOperationException("the first start wrote no operator key");
        ReadOnlyKey = await Silo.CreateKeyAsync("read-only");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) at a size that makes readable screenshots.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var errors = new List<string>();
        _pageErrors.AddOrUpdate(page, errors);
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return page;
    }

    /// <summary>Fails when the page's own script threw (an uncaught error in the dashboard's JavaScript).</summary>
    public void AssertNoScriptErrors(IPage page)
    {
        if (_pageErrors.TryGetValue(page, out var errors))
        {
            lock (errors)
            {
                Assert.True(errors.Count == 0, "the dashboard's script failed: " + string.Join(" | ", errors));
            }
        }
    }

    /// <summary>Opens the dashboard and logs in with <paramref name="key"/> through the login form.</summary>
    public async Task<IPage> LogInAsync(string key)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Silo.DashboardAddress.ToString());
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#login-button");
        await page.WaitForSelectorAsync("#app:not([hidden])");
        return page;
    }

    /// <summary>Saves a screenshot to artifacts/dashboard/ at the repository root (CI keeps artifacts/).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(RepositoryRoot(), "artifacts", "dashboard");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        await _database.DisposeAsync();
        await Webhook.DisposeAsync();
    }

    private static string ChromiumPath()
    {
        var path = Environment.GetEnvironmentVariable("AIOS_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        return File.Exists(path) ? path
            : throw new InvalidOperationException($"The browser tests need Debian's chromium at {path}. Run `bash scripts/test.sh` (it installs " +
                "chromium when missing and run as root), `sudo apt-get install -y chromium`, or set AIOS_CHROMIUM to a Chromium executable.");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AiOs.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
