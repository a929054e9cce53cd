// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IAaveV3Pool
/// @notice The part of Aave V3's Pool that flash borrowers use.
interface IAaveV3Pool {
    /// @notice Lends `amount` of `asset` to `receiverAddress` for one call; the Pool then pulls
    ///         back `amount + premium`, so the receiver must approve that much.
    function flashLoanSimple(
        address receiverAddress,
        address asset,
        uint256 amount,
        bytes calldata params,
        uint16 referralCode
    ) external;

    /// @notice Repays up to `debtToCover` of `user`'s `debtAsset` debt, pulled from the caller,
    ///         and sends the caller the collateral it buys at the reserve's bonus (the underlying
    ///         unless `receiveAToken`). Reverts unless the user's health factor is below one.
    function liquidationCall(
        address collateralAsset,
        address debtAsset,
        address user,
        uint256 debtToCover,
        bool receiveAToken
    ) external;

    /// @notice The flash-loan premium, in basis points of the amount borrowed.
    function FLASHLOAN_PREMIUM_TOTAL() external view returns (uint128);
}

/// @title IAaveFlashLoanSimpleReceiver
/// @notice Called by Aave V3's Pool during `flashLoanSimple`.
interface IAaveFlashLoanSimpleReceiver {
    /// @return True when the receiver has approved `amount + premium` to the Pool.
    function executeOperation(
        address asset,
        uint256 amount,
        uint256 premium,
        address initiator,
        bytes calldata params
    ) external returns (bool);
}
