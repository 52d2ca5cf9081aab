// The build failed (invoker.properties); make sure it failed for the right reason.
def log = new File(basedir, 'build.log').text
assert log.contains('org.jetbrains.kotlin:kotlin-stdlib') : 'the enforcer did not name the Kotlin artifact'
assert log.contains('dna must stay Kotlin-free') : 'the build failed, but not because of the Kotlin ban'
return true
