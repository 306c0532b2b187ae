[assembly: AssemblyFixture(typeof(AiOs.Dashboard.Tests.Infrastructure.DashboardFixture))]
