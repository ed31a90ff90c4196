using Microsoft.EntityFrameworkCore;

namespace TokenValidation.AspNetCore.Tests.UserMapping;

/// <summary>The application's user table.</summary>
public sealed class UsersDbContext(DbContextOptions<UsersDbContext> options) : DbContext(options)
{
    public DbSet<AppUser> Users => Set<AppUser>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var user = modelBuilder.Entity<AppUser>();
        user.HasIndex(u => u.Email).IsUnique();
        user.HasIndex(u => u.Subject).IsUnique();
    }
}
