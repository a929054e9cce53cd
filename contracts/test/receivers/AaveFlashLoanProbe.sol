// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IAaveFlashLoanSimpleReceiver, IAaveV3Pool} from "../../interfaces/external/IAaveV3Pool.sol";

/// @title AaveFlashLoanProbe
/// @notice Minimal Aave V3 flash-loan receiver used to measure what the replica's Pool charges.
///         It must hold enough of the asset to pay the premium before borrowing.
contract AaveFlashLoanProbe is IAaveFlashLoanSimpleReceiver {
    using SafeERC20 for IERC20;

    /// @dev Raised when the callback does not come from the Pool for a loan this probe started.
    error AaveFlashLoanProbeUnexpectedCallback(address caller, address initiator);

    IAaveV3Pool public immutable pool;
    /// @notice The premium the Pool asked for on the last loan.
    uint256 public lastPremium;

    constructor(IAaveV3Pool pool_) {
        pool = pool_;
    }

    /// @notice Borrows `amount` of `asset` and repays it with the premium in the same call.
    function borrow(address asset, uint256 amount) external {
        pool.flashLoanSimple(address(this), asset, amount, "", 0);
    }

    /// @inheritdoc IAaveFlashLoanSimpleReceiver
    function executeOperation(address asset, uint256 amount, uint256 premium, address initiator, bytes calldata)
        external
        returns (bool)
    {
        if (msg.sender != address(pool) || initiator != address(this)) {
            revert AaveFlashLoanProbeUnexpectedCallback(msg.sender, initiator);
        }
        lastPremium = premium;
        // The Pool pulls the repayment with transferFrom.
        IERC20(asset).forceApprove(address(pool), amount + premium);
        return true;
    }
}
