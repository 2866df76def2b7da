import Testing
@testable import Netplay
