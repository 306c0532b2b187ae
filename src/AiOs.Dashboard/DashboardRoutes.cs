namespace AiOs.Dashboard;

/// <summary>Where the dashboard lives on the silo's HTTP port.</summary>
public static class DashboardRoutes
{
    /// <summary>The page.</summary>
    public const string Base = "/dashboard";

    /// <summary>The data and action endpoints under it.</summary>
    public const string Api = Base + "/api";
}
